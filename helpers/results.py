"""The record of each training run, kept in `data/results/<profile>.json`, and the results table.

Notebooks 02–05 each add their model's run; notebook 06 and the course runner read them
back. The textbook's figures travel with the catalogue of models below.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from helpers.config import data_dir
from helpers.storage import data_lock, write_atomically


@dataclass(frozen=True)
class CourseModel:
    """One model of the course: its key, the notebook that trains it, the textbook's figures."""

    key: str
    title: str
    notebook: str
    textbook_accuracy: float | None
    textbook_params: int


COURSE_MODELS = (
    CourseModel("one_hot", "One-hot BiLSTM", "02_one_hot_bidirectional_lstm", 0.877, 5_128_513),
    CourseModel("embeddings", "Learned embeddings", "03_learned_embeddings", 0.87, 5_194_049),
    CourseModel("masking", "Embeddings + masking", "04_padding_and_masking", 0.88, 5_194_049),
    CourseModel("glove", "Pretrained GloVe, frozen", "05_pretrained_glove_embeddings", None, 2_034_113),
)


@dataclass
class RunRecord:
    """What one training run of one model measured."""

    model: str
    profile: str
    params_total: int
    params_trainable: int
    test_accuracy: float
    test_loss: float
    best_epoch: int
    history: dict[str, list[float]]
    seconds_per_epoch: list[float]
    device: str
    recorded_at: str
    checkpoint: str
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def mean_seconds_per_epoch(self) -> float:
        return sum(self.seconds_per_epoch) / max(1, len(self.seconds_per_epoch))


def results_path(profile: str) -> Path:
    """The results file of a profile."""
    return data_dir() / "results" / f"{profile}.json"


class UnreadableResults(ValueError):
    """A results file that is not valid JSON or does not hold run records."""


def record_run(record: RunRecord) -> Path:
    """Add `record` to its profile's results file, replacing an earlier run of the same model.

    A results file that cannot be read is kept aside (renamed, with a message) and a new one
    started, so a finished training never loses its record.
    """
    path = results_path(record.profile)
    with data_lock(f"results-{record.profile}"):
        try:
            runs = {key: asdict(run) for key, run in load_runs(record.profile).items()}
        except UnreadableResults as error:
            aside = path.with_name(f"{path.stem}.unreadable-{datetime.now():%Y%m%d-%H%M%S}{path.suffix}")
            os.replace(path, aside)
            print(f"{error}\nIt was kept aside as {aside.name}; a new results file is started with this run.")
            runs = {}
        runs[record.model] = asdict(record)
        write_atomically(path, json.dumps(runs, indent=1))
    return path


def load_runs(profile: str) -> dict[str, RunRecord]:
    """The recorded runs of a profile, by model key (empty if none yet).

    Raises UnreadableResults, naming the file, when it cannot be parsed.
    """
    path = results_path(profile)
    if not path.is_file():
        return {}
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))
        return {key: RunRecord(**run) for key, run in runs.items()}
    except (ValueError, TypeError, AttributeError) as error:
        raise UnreadableResults(
            f"the results file {path} cannot be read ({error}); move it away to start afresh "
            "(the next finished training does so itself)"
        ) from None


def results_table(profile: str) -> str:
    """A plain-text table of the profile's runs beside the textbook's figures.

    Models not run yet are listed with the notebook that trains them.
    """
    runs = load_runs(profile)
    header = ("model", "params (trainable)", "test acc.", "textbook", "best epoch", "s/epoch", "device")
    rows = [header]
    for model in COURSE_MODELS:
        textbook = f"{model.textbook_accuracy:.3f}" if model.textbook_accuracy else "–"
        run = runs.get(model.key)
        if run is None:
            rows.append((model.title, "not run yet", f"run {model.notebook}.ipynb", textbook, "", "", ""))
            continue
        rows.append((
            model.title,
            f"{run.params_total:,} ({run.params_trainable:,})",
            f"{run.test_accuracy:.3f}",
            textbook,
            f"{run.best_epoch} of {len(run.seconds_per_epoch)}",
            f"{run.mean_seconds_per_epoch:.0f}",
            run.device,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return f"Profile: {profile}\n" + "\n".join(lines)
