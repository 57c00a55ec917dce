"""The course's one address (pyproject.toml) and the install lines, badges and Colab links that
follow it; `publish` rewrites them for a copy published elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.instructor.cli import main
from helpers.instructor.publish import COLAB, INSTALL, Address, course_address, disagreements, publish, published_files

ROOT = Path(__file__).resolve().parents[1]


def copy_of_the_course(target: Path) -> Path:
    target.mkdir()
    for path in published_files(ROOT):
        (target / path.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.relative_to(ROOT))
    return target


def test_install_lines_badges_and_colab_links_agree_with_pyproject():
    texts = [path.read_text(encoding="utf-8") for path in published_files(ROOT)[1:]]
    assert sum(len(INSTALL.findall(text)) for text in texts) == len(texts) - 1  # one setup cell per notebook
    assert COLAB.search(texts[0]), "the README links to a notebook on Colab"
    assert disagreements(ROOT) == []


def test_a_setup_cell_with_another_address_is_found(tmp_path):
    copy = copy_of_the_course(tmp_path / "course")
    notebook = copy / "notebooks" / "03_learned_embeddings.ipynb"
    notebook.write_text(notebook.read_text().replace("keras3-imdb@main", "keras3-imdb@dev"))
    assert disagreements(copy) == ["notebooks/03_learned_embeddings.ipynb: "
                                   "git+https://github.com/sequence-models-course/keras3-imdb@dev"]


def test_publish_changes_only_the_addresses_and_they_still_agree(tmp_path):
    copy = copy_of_the_course(tmp_path / "course")
    old, new = course_address(ROOT), Address("learner-org/imdb-fork", "spring-2027")

    changed = publish(copy, new.repository, new.branch)

    assert len(changed) == len(published_files(ROOT))  # pyproject, README and all 8 notebooks
    assert course_address(copy) == new and disagreements(copy) == []
    for path in published_files(ROOT):
        text = (copy / path.relative_to(ROOT)).read_text(encoding="utf-8")
        assert new.repository in text
        undone = text.replace(new.repository, old.repository).replace(f"@{new.branch}", f"@{old.branch}")
        undone = undone.replace(f"/{new.branch}", f"/{old.branch}")
        assert undone == path.read_text(encoding="utf-8"), f"{path.name} changed beyond its address"
    assert publish(copy, new.repository, new.branch) == []  # idempotent


def test_publish_command_says_when_nothing_changes(capsys):
    address = course_address(ROOT)
    assert main(["publish", address.repository, "--branch", address.branch]) == 0
    assert "Nothing to change" in capsys.readouterr().out


def test_publish_command_refuses_a_malformed_repository(capsys):
    assert main(["publish", "keras3-imdb"]) == 1
    assert "OWNER/NAME" in capsys.readouterr().err
