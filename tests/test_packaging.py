"""What the package depends on: the core is what the notebooks import; environment.yml
(for conda users) installs what pyproject.toml declares."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def pip_section_of_environment_yml() -> set[str]:
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\s*- pip:\s*$", line))
    entries = []
    for line in lines[start + 1 :]:
        match = re.match(r"\s{4,}- (.+)$", line)
        if not match:
            break
        entries.append(match.group(1).strip())
    return set(entries)


def test_environment_yml_installs_the_declared_dependencies_and_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared |= set(extra)
    assert pip_section_of_environment_yml() == declared | {"-e ."}


def test_pyproject_environment_yml_and_the_readme_state_the_same_supported_pythons():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requires = SpecifierSet(project["requires-python"])
    assert "3.11.3" not in requires and "3.11.4" in requires  # tarfile's extraction filters came with 3.11.4
    supported = sorted(int(c.rsplit(".", 1)[1]) for c in project["classifiers"] if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    conda = re.search(r"^  - python([<>=!~][^\s#]*)", (ROOT / "environment.yml").read_text(encoding="utf-8"), re.M)
    assert conda is not None
    conda_minors = [minor for minor in range(11, 20) if f"3.{minor}.4" in SpecifierSet(conda.group(1))]
    minors = [minor for minor in supported if f"3.{minor}.4" in requires]
    quick_start = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("```", 1)[0]
    assert minors == supported == conda_minors == [11, 12, 13]
    assert all(f"3.{minor}" in quick_start for minor in minors) and "3.11.4" in quick_start


def imported_packages(source: str) -> set[str]:
    """Top-level names of the packages `source` imports, leaving out the standard library and helpers."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"helpers"}


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).replace("-", "_").lower() for r in requirements}


def test_the_core_is_what_the_notebooks_and_their_helpers_import():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core, extras = requirement_names(project["dependencies"]), project["optional-dependencies"]
    imported: dict[str, set[str]] = {}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "code":
                source = TransformerManager().transform_cell(cell.source)
                imported.setdefault(notebook.name, set()).update(imported_packages(source))
    for module in sorted((ROOT / "helpers").rglob("*.py")):
        imported[module.relative_to(ROOT / "helpers").as_posix()] = imported_packages(module.read_text(encoding="utf-8"))
    # Only the runner (and its progress display) needs the `lab` extra (traitlets comes with nbclient), and GloVe's
    # offline vectors the `glove-offline` one; each says what to install when it is missing.
    # The one-hot layer and the runtime module (the device) import JAX only on that backend, which needs the `jax`
    # extra anyway. `keep_data_on_drive` imports google.colab only on Colab, which has it.
    allowed = {
        "config.py": core | {"google"},
        "instructor/runner.py": core | requirement_names(extras["lab"]) | {"traitlets"},
        "instructor/progress.py": core | requirement_names(extras["lab"]),
        "glove.py": core | requirement_names(extras["glove-offline"]),
        "one_hot.py": core | requirement_names(extras["jax"]),
        "_plumbing/runtime.py": core | requirement_names(extras["jax"]),
    }
    beyond = {name: sorted(packages - allowed.get(name, core)) for name, packages in imported.items()}
    assert {name: packages for name, packages in beyond.items() if packages} == {}
    assert core - set().union(*imported.values()) == set()  # nothing in the core that no one imports


def test_a_plain_install_carries_the_reference_results(tmp_path):
    """On Colab the package is installed from git, without the checkout: notebook 08 still finds
    the committed reference results, installed with the package."""
    source, wheels, target, elsewhere = (tmp_path / name for name in ("source", "wheels", "site", "work"))
    for part in ("pyproject.toml", "README.md", "helpers", "data/reference"):  # a copy: the build leaves folders
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy
        (source / part).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / part, source / part)
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True, timeout=300)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=300)
    probe = ("from helpers.reference import load_reference, reference_path; "
             "print(reference_path('quick')); print(len(load_reference('quick').models))")
    env = {key: value for key, value in os.environ.items() if key not in ("COURSE_DATA_DIR", "PYTHONPATH")}
    result = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, env=env | {"PYTHONPATH": str(target)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    path, models = result.stdout.split()
    assert Path(path) == target / "helpers" / "reference_data" / "quick.json"
    assert int(models) == len(json.loads((ROOT / "data" / "reference" / "quick.json").read_text())["models"])
