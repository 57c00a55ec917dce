"""The JSON record store behind results, notebook timings and references."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers._plumbing.records import load_entries, save_document, save_entry

pytestmark = pytest.mark.usefixtures("isolated_data_dir")

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Entry:
    name: str
    value: int


def test_processes_saving_at_once_each_keep_their_entries(tmp_path):
    path = tmp_path / "results" / "smoke.json"
    writer = (
        "import sys; from dataclasses import dataclass; from pathlib import Path\n"
        "from helpers._plumbing.records import save_entry\n"
        "@dataclass\nclass Entry:\n    name: str\n    value: int\n"
        "for i in range(15):\n"
        "    save_entry(Path(sys.argv[1]), f'{sys.argv[2]}-{i}', Entry(sys.argv[2], i))\n"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", writer, str(path), f"w{n}"], env=env) for n in range(4)]
    assert [process.wait(timeout=120) for process in writers] == [0] * 4
    entries = load_entries(path, Entry)
    assert sorted(entries) == sorted(f"w{n}-{i}" for n in range(4) for i in range(15))
    assert entries["w3-14"] == Entry("w3", 14)


@pytest.mark.parametrize("content", ['{"a": {"name": "a", "val', '["not", "an", "object"]', '{"a": {"other": 1}}'])
def test_a_file_that_cannot_be_read_is_kept_aside_with_a_message_naming_the_copy(tmp_path, capsys, content):
    path = tmp_path / "smoke.json"
    path.write_text(content)

    save_entry(path, "b", Entry("b", 2))

    (aside,) = tmp_path.glob("smoke.unreadable-*.json")
    assert aside.read_text() == content
    message = capsys.readouterr().out
    assert f"The record file {path} cannot be read" in message and f"It was kept aside as {aside}" in message
    assert load_entries(path, Entry) == {"b": Entry("b", 2)}


def test_a_document_is_written_whole(tmp_path):
    path = tmp_path / "reference" / "smoke.json"
    save_document(path, {"profile": "smoke", "models": {}})
    save_document(path, {"profile": "smoke", "models": {"masking": {}}})
    assert json.loads(path.read_text()) == {"profile": "smoke", "models": {"masking": {}}}
    assert sorted(p.name for p in path.parent.iterdir()) == ["smoke.json"]
