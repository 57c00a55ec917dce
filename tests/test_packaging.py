"""environment.yml (for conda users) installs what pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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


def test_environment_yml_and_pyproject_state_the_python_floor_of_the_course():
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("  - python>=3.11.4,<3.12") for line in lines)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11.4"
