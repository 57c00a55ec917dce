"""The instructor's regression check: a profile's results against its committed reference.

    python -m helpers run --profile quick --check     # run the course, then compare
    python -m helpers reference --profile quick --tolerance 0.01 --basis "…"  # record one

A reference (its format: `helpers.reference`) holds a run of every model and the tolerance
allowed on accuracies, with what it was derived from (the spread measured between runs); a
model's own `tolerance` overrides the profile's. The check fails when a parameter count
differs, an accuracy leaves the tolerance, or a reference model has no recorded run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from helpers.catalogue import COURSE_MODELS
from helpers.config import Profile, profile_name
from helpers.instructor.run_log import load_notebook_runs
from helpers._plumbing.records import save_document
from helpers.reference import PARAMETERS, Reference, load_reference, recorded_reference_path, reference_path
from helpers._plumbing.tables import text_table
from helpers.results import RunRecord, load_runs

# Accuracies are float32 and references keep 6 decimals: closer than this counts as equal.
ROUNDING = 1e-6


class RegressionFailed(RuntimeError):
    """The results of a run left their reference: the message is the table of checks."""


@dataclass(frozen=True)
class Check:
    """One comparison: a figure of a model in the reference and in this run."""

    model: str
    figure: str
    reference: str
    actual: str
    passed: bool
    detail: str = ""


def compare(runs: dict[str, RunRecord], reference: Reference) -> list[Check]:
    """Every check of `runs` against `reference`, passed or not, in the reference's order."""
    checks = []
    for key, expected in reference.models.items():
        run = runs.get(key)
        if run is None:
            checks.append(Check(key, "run", "recorded", "missing", False, "no run recorded"))
            continue
        for figure in PARAMETERS:
            wanted, got = int(expected[figure]), int(getattr(run, figure))
            checks.append(Check(key, figure, f"{wanted:,}", f"{got:,}", wanted == got))
        tolerance = float(expected.get("tolerance", reference.tolerance))
        difference = run.test_accuracy - float(expected["test_accuracy"])
        checks.append(Check(
            key, "test_accuracy", f"{float(expected['test_accuracy']):.3f}", f"{run.test_accuracy:.3f}",
            abs(difference) <= tolerance + ROUNDING, f"{difference:+.3f} (±{tolerance:.3f})",
        ))
    return checks


def check_table(checks: list[Check], title: str) -> str:
    """A plain-text table of the checks, failures marked FAIL."""
    rows = [("model", "figure", "reference", "this run", "result")]
    rows += [(c.model, c.figure, c.reference, c.actual, ("ok" if c.passed else "FAIL") + f" {c.detail}".rstrip())
             for c in checks]
    return title + "\n" + text_table(rows)


def check_results(profile: Profile | str, path: Path | None = None) -> str:
    """Compare the recorded runs of `profile` (a Profile or its name) with its reference;
    return the table.

    Raises RegressionFailed, with the table, when any check fails.
    """
    path = path or reference_path(profile)
    reference = load_reference(profile, path)
    checks = compare(load_runs(profile), reference)
    failed = sum(not c.passed for c in checks)
    title = f"Regression check of the '{profile_name(profile)}' profile against {path.name}: " + (
        f"{failed} of {len(checks)} checks FAILED" if failed else f"all {len(checks)} checks passed"
    )
    table = check_table(checks, title)
    if failed:
        raise RegressionFailed(table)
    return table


def write_reference(profile: Profile | str, tolerance: float, basis: str, path: Path | None = None) -> Path:
    """Record the current runs of `profile` as its reference, with the tolerance and its basis,
    and what the course runner recorded of the notebooks' costs and the environment.

    Raises ValueError, saying what to give, for a tolerance outside [0, 1], an empty basis,
    or a profile without recorded runs.
    """
    profile = profile_name(profile)
    if not 0 <= tolerance <= 1:
        raise ValueError(f"the tolerance is a difference of test accuracies, from 0 to 1 (such as 0.01), "
                         f"not {tolerance}")
    if not basis.strip():
        raise ValueError("say what the tolerance was derived from, such as 'max - min of 3 quick runs on a 2-core CPU'")
    runs = load_runs(profile)
    if not runs:
        raise ValueError(f"no recorded runs for the '{profile}' profile: run the course first")
    models = {
        key: {"params_total": run.params_total, "params_trainable": run.params_trainable,
              "test_accuracy": round(run.test_accuracy, 6), "test_reviews": run.test_reviews,
              "best_epoch": run.best_epoch, "epochs": len(run.seconds_per_epoch),
              "seconds_per_epoch": round(run.mean_seconds_per_epoch, 1),
              "recorded_at": run.recorded_at, "device": run.device,
              **({"resumed_after_epoch": run.resumed_after_epoch} if run.resumed_after_epoch else {})}
        for key, run in runs.items()
    }
    # A notebook whose training resumed after an interruption ran in two parts; the runner
    # timed only the last one.
    resumed = {model.notebook for model in COURSE_MODELS if model.key in runs and runs[model.key].resumed_after_epoch}
    notebook_runs = load_notebook_runs(profile)
    environments = {json.dumps(run.environment, sort_keys=True) for run in notebook_runs.values()}
    shared = len(environments) == 1  # else each notebook keeps its own: a run split over machines
    notebooks = {name: {"minutes": run.minutes, "peak_memory_gib": run.peak_memory_gib, "finished_at": run.finished_at,
                        **({"resumed": True} if name in resumed else {}),
                        **({} if shared else {"environment": run.environment})}
                 for name, run in notebook_runs.items()}
    path = path or recorded_reference_path(profile)
    content = {"profile": profile, "tolerance": tolerance, "tolerance_basis": basis, "models": models,
               "notebooks": notebooks, "environment": json.loads(environments.pop()) if shared else {}}
    save_document(path, content)
    return path
