"""The package and its command line start without TensorFlow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def python(code: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_importing_helpers_and_the_command_line_loads_no_tensorflow():
    result = python(
        "import sys, helpers, helpers.__main__, helpers.catalogue, helpers.results, helpers.runner\n"
        "print(sorted(name for name in ('tensorflow', 'keras') if name in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_session_imports_tensorflow_without_its_start_up_lines():
    result = python("import helpers.session, keras")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
