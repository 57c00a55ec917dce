"""The package's layout: two wings, no import circles, and a start without TensorFlow."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "helpers"


def python(code: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def helpers_imports(path: Path) -> set[str]:
    """The modules of the package that the file at `path` imports, anywhere in it (TYPE_CHECKING blocks too)."""
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}  # `from helpers import results`
    return {name for name in found if name in modules and name != "helpers"}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): helpers_imports(path) for path in PACKAGE.rglob("*.py")}


def test_no_module_of_the_package_imports_in_a_circle():
    graph, circles = import_graph(), []

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph[module]):
            if imported in path:
                circles.append(path[path.index(imported):] + [imported])
            elif imported not in done:
                visit(imported, path + [imported])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        visit(module, [module])
    assert circles == []


def test_the_learners_wing_never_imports_the_instructors_tools():
    learners = {name: imports for name, imports in import_graph().items()
                if not name.startswith("helpers.instructor") and name != "helpers.__main__"}
    assert {name: sorted(i for i in imports if i.startswith("helpers.instructor"))
            for name, imports in learners.items() if any(i.startswith("helpers.instructor") for i in imports)} == {}


def test_importing_helpers_and_the_command_line_loads_no_tensorflow():
    result = python(
        "import sys, helpers, helpers.instructor.cli, helpers.instructor.runner, helpers.reference, helpers.results\n"
        "print(sorted(name for name in ('tensorflow', 'keras') if name in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_notebook_setup_imports_tensorflow_without_its_start_up_lines():
    result = python("import helpers.notebook_setup, keras")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def notebook_imports() -> set[str]:
    """The modules of the package that some notebook's code imports."""
    import nbformat
    from IPython.core.inputtransformer2 import TransformerManager

    modules, found = {module_name(p) for p in PACKAGE.rglob("*.py")}, set()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(TransformerManager().transform_cell(cell.source))):
                if isinstance(node, ast.Import):
                    found |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return {name for name in found if name in modules}


def test_the_package_lists_the_notebooks_modules_then_config_and_two_subpackages():
    top = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__", "config"}
    imported = {name.split(".")[1] for name in notebook_imports() if name.count(".") == 1}
    assert sorted(top - imported) == []  # a module no notebook imports belongs in helpers._plumbing
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert packages == {"instructor", "_plumbing"}
    assert not any(name.startswith("helpers._plumbing") for name in notebook_imports())


def test_only_the_notebooks_import_the_setup_cells_module():
    importers = {name for name, imports in import_graph().items() if "helpers.notebook_setup" in imports}
    for script in (ROOT / "benchmarks").glob("*.py"):
        if "helpers.notebook_setup" in helpers_imports(script):
            importers.add(f"benchmarks/{script.name}")
    assert importers == set()
    assert "helpers.notebook_setup" in notebook_imports()
