"""The record of each training run, kept in `data/results/<profile>.json`, and the results table.

Notebooks 02–05 each add their model's run; notebook 06 and the course runner read them
back. The models and the textbook's figures come from `helpers.catalogue`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers.catalogue import COURSE_MODELS
from helpers.config import data_dir


@dataclass
class RunRecord:
    """What one training run of one model measured (`profile` is the profile's name)."""

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


def results_path(profile_name: str) -> Path:
    """The results file of the profile called `profile_name`."""
    return data_dir() / "results" / f"{profile_name}.json"


def record_run(record: RunRecord) -> Path:
    """Add `record` to its profile's results file, replacing an earlier run of the same model."""
    path = results_path(record.profile)
    runs = {key: asdict(run) for key, run in load_runs(record.profile).items()}
    runs[record.model] = asdict(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    partial.replace(path)
    return path


def load_runs(profile_name: str) -> dict[str, RunRecord]:
    """The recorded runs of the profile called `profile_name`, by model key (empty if none yet)."""
    path = results_path(profile_name)
    if not path.is_file():
        return {}
    return {key: RunRecord(**run) for key, run in json.loads(path.read_text(encoding="utf-8")).items()}


def results_table(profile_name: str) -> str:
    """A plain-text table of the runs of the profile called `profile_name`, beside the
    textbook's figures. Models not run yet are listed with the notebook that trains them.
    """
    runs = load_runs(profile_name)
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
    return f"Profile: {profile_name}\n" + "\n".join(lines)
