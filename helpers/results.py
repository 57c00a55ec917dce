"""The record of each training run, in `data/results/<profile>.json`, and the results table.

A test accuracy carries a 95 % Wilson interval (the test set is a sample of reviews). Each record
keeps which test reviews the model got right, so that two models are compared review by review
(McNemar's exact test), which is sharper than setting their two intervals side by side. The
statistics themselves are in `helpers._plumbing.statistics`, the table layout in `helpers._plumbing.tables`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from helpers import catalogue
from helpers.config import Profile, profile_name
from helpers._plumbing import paths
from helpers._plumbing.records import load_entries, save_entry
from helpers._plumbing.statistics import accuracy_interval, mcnemar_exact, unpacked_bits
from helpers._plumbing.tables import seconds_text, text_table


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
    test_reviews: int | None = None  # None in records written before it was kept
    resumed_after_epoch: int = 0  # > 0: an interrupted run, resumed from its backup after that epoch
    test_correct: str | None = None  # which test reviews it got right, in the test set's order (`correct_bits`)

    @property
    def mean_seconds_per_epoch(self) -> float:
        return sum(self.seconds_per_epoch) / max(1, len(self.seconds_per_epoch))

    def vocabulary(self) -> list[str]:
        """The vocabulary the checkpoint reads (token of each index), kept beside it at recording:
        no dataset to build again. FileNotFoundError, saying what to do, if it is not there."""
        path = paths.vocabulary_path(Path(self.checkpoint))
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} is missing: run the notebook that trains '{self.model}' again, "
                                    "which records the vocabulary beside its checkpoint") from None

    @property
    def test_interval(self) -> tuple[float, float] | None:
        """The 95 % Wilson interval of the test accuracy, or None if the test size is unknown."""
        return accuracy_interval(self.test_accuracy, self.test_reviews) if self.test_reviews else None


@dataclass(frozen=True)
class Comparison:
    """Two models on the same test reviews: the gap of their accuracies, the reviews only one of
    them got right, and McNemar's exact two-sided p-value for "both are equally accurate"."""

    gap: float
    only_first: int
    only_second: int
    p_value: float

    @property
    def beyond_noise(self) -> bool:
        return self.p_value < 0.05


def review_correctness(record: RunRecord) -> np.ndarray | None:
    """Which test reviews `record`'s model got right, or None for a record that did not keep it."""
    if record.test_correct is None or not record.test_reviews:
        return None
    return unpacked_bits(record.test_correct, record.test_reviews)


def paired_comparison(first: RunRecord, second: RunRecord) -> Comparison:
    """`first` against `second`, review by review (McNemar's exact test): only the reviews that
    exactly one model gets right tell them apart, and if both were equally accurate each would
    favour either with probability 1/2. ValueError for a record without its per-review results,
    or two records tested on different reviews."""
    mine, theirs = review_correctness(first), review_correctness(second)
    if mine is None or theirs is None:
        raise ValueError(f"{first.model} or {second.model} has no per-review test record: train it again")
    if mine.shape != theirs.shape:
        raise ValueError(f"{first.model} and {second.model} were tested on different reviews ({mine.size} and {theirs.size})")
    only_first, only_second = int(np.sum(mine & ~theirs)), int(np.sum(~mine & theirs))
    return Comparison(first.test_accuracy - second.test_accuracy, only_first, only_second,
                      mcnemar_exact(only_first, only_second))


def gap_summary(first: RunRecord, second: RunRecord) -> str:
    """One line on `first` against `second`: both accuracies, the gap, and whether it exceeds the
    noise by `paired_comparison` (whose ValueError it raises)."""
    paired = paired_comparison(first, second)
    verdict = "larger than the noise" if paired.beyond_noise else "within the noise"
    return (f"{first.test_accuracy:.3f} against {second.test_accuracy:.3f}: gap {paired.gap:+.3f}; right only by "
            f"the first on {paired.only_first} reviews, only by the second on {paired.only_second}: "
            f"p = {paired.p_value:.2g}, {verdict}")


def results_path(profile: Profile | str) -> Path:
    """The run records of `profile` (a Profile or its name): `data/results/<profile>.json`."""
    return paths.results_path(profile_name(profile))


def record_run(record: RunRecord) -> Path:
    """Add `record` to its profile's results file, replacing an earlier run of the same model
    (an unreadable file is kept aside, with a message: see `helpers._plumbing.records`)."""
    path = results_path(record.profile)
    save_entry(path, record.model, record)
    return path


def load_runs(profile: Profile | str) -> dict[str, RunRecord]:
    """The recorded runs of `profile` (a Profile or a profile's name), by model key; empty if
    none yet, or if the file cannot be read (it is then kept aside, with a message)."""
    return load_entries(results_path(profile), RunRecord)


def results_table(profile: Profile | str) -> str:
    """A plain-text table of the runs of `profile` (a Profile or its name) beside the textbook's
    figures; a model not run yet is listed with the notebook that trains it."""
    runs = load_runs(profile)
    header = ("model", "params (trainable)", "test acc. (95 % interval)", "textbook", "best epoch", "s/epoch", "device")
    rows = [header]
    for model in catalogue.COURSE_MODELS:
        textbook = model.textbook_text
        run = runs.get(model.key)
        if run is None:
            rows.append((model.title, "not run yet", f"run {model.notebook}.ipynb", textbook, "", "", ""))
            continue
        rows.append((model.title, f"{run.params_total:,} ({run.params_trainable:,})", _with_interval(run), textbook,
                     f"{run.best_epoch} of {len(run.seconds_per_epoch)}", seconds_text(run.mean_seconds_per_epoch),
                     run.device))
    return f"Profile: {profile_name(profile)}\n" + text_table(rows)


def _with_interval(run: RunRecord) -> str:
    interval = run.test_interval
    return f"{run.test_accuracy:.3f}" + (f" ({interval[0]:.3f}–{interval[1]:.3f})" if interval else "")
