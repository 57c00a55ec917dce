"""The instructor's regression check: a profile's results against its committed reference.

    python -m helpers run --profile quick --check     # run the course, then compare
    python -m helpers reference --profile quick --tolerance 0.01 --basis "…"  # record one

`data/reference/<profile>.json`, committed with the course, holds a reference run of each
model (parameter counts and test accuracy) and the tolerance allowed on accuracies, with
what it was derived from (the spread measured between runs):

    {"profile": "quick", "tolerance": 0.01, "tolerance_basis": "max - min of 3 runs on …",
     "models": {"embeddings": {"params_total": 5194049, "params_trainable": 5194049,
                               "test_accuracy": 0.846, "tolerance": 0.02, "test_reviews": 2000, …}},
     "notebooks": {"03_learned_embeddings": {"minutes": 3.4, "peak_memory_gib": 2.1, …}},
     "environment": {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "cpu": …}}

A model's own `tolerance` overrides the profile's. The check fails when a parameter count
differs, an accuracy leaves the tolerance, or a reference model has no recorded run.
`reference_table` shows a reference (the full profile's, in notebook 08) beside a learner's run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from helpers.catalogue import COURSE_MODELS
from helpers.config import data_dir, project_root
from helpers.results import RunRecord, accuracy_interval, load_runs, seconds_text, text_table
from helpers.run_log import load_notebook_runs
from helpers.storage import write_atomically

PARAMETERS = ("params_total", "params_trainable")
# Accuracies are float32 and references keep 6 decimals: closer than this counts as equal.
ROUNDING = 1e-6


class RegressionFailed(RuntimeError):
    """The results of a run left their reference: the message is the table of checks."""


@dataclass(frozen=True)
class Reference:
    """The reference results of one profile: per model its figures, and the tolerance."""

    profile: str
    tolerance: float
    tolerance_basis: str
    models: dict[str, dict]
    notebooks: dict[str, dict] = field(default_factory=dict)  # minutes and peak memory of each notebook
    environment: dict[str, str] = field(default_factory=dict)  # machine and software versions


@dataclass(frozen=True)
class Check:
    """One comparison: a figure of a model in the reference and in this run."""

    model: str
    figure: str
    reference: str
    actual: str
    passed: bool
    detail: str = ""


def reference_path(profile: str) -> Path:
    """The reference file of `profile` to check against: `data/reference/<profile>.json` of the
    course checkout, or of the data folder; in a plain install (Colab) without one there, the
    copy installed with the package."""
    recorded = recorded_reference_path(profile)
    if recorded.is_file() or project_root():
        return recorded
    installed = Path(str(resources.files("helpers.reference") / f"{profile}.json"))
    return installed if installed.is_file() else recorded


def recorded_reference_path(profile: str) -> Path:
    """Where `python -m helpers reference` records one: `data/reference/` of the checkout
    (of the data folder for a plain install)."""
    root = project_root()
    return (root / "data" if root else data_dir()) / "reference" / f"{profile}.json"


def load_reference(profile: str, path: Path | None = None) -> Reference:
    """Read the reference results of `profile`.

    Raises FileNotFoundError saying how to record one, ValueError naming a malformed field.
    """
    path = path or reference_path(profile)
    if not path.is_file():
        raise FileNotFoundError(
            f"no reference results for the '{profile}' profile ({path}): after a run you trust, record "
            f"them with `python -m helpers reference --profile {profile} --tolerance T --basis '…'`"
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        reference = Reference(
            profile=content["profile"],
            tolerance=float(content["tolerance"]),
            tolerance_basis=str(content.get("tolerance_basis", "")),
            models=dict(content["models"]),
            notebooks=dict(content.get("notebooks", {})),
            environment=dict(content.get("environment", {})),
        )
        for key, model in reference.models.items():
            missing = [name for name in (*PARAMETERS, "test_accuracy") if name not in model]
            if missing:
                raise KeyError(f"models.{key}.{missing[0]}")
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"the reference file {path} is malformed ({error}); see helpers/regression.py") from None
    if reference.profile != profile:
        raise ValueError(f"the reference file {path} is for the '{reference.profile}' profile, not '{profile}'")
    return reference


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


def check_results(profile: str, path: Path | None = None) -> str:
    """Compare the recorded runs of `profile` with its reference; return the table.

    Raises RegressionFailed, with the table, when any check fails.
    """
    path = path or reference_path(profile)
    reference = load_reference(profile, path)
    checks = compare(load_runs(profile), reference)
    failed = sum(not c.passed for c in checks)
    title = f"Regression check of the '{profile}' profile against {path.name}: " + (
        f"{failed} of {len(checks)} checks FAILED" if failed else f"all {len(checks)} checks passed"
    )
    table = check_table(checks, title)
    if failed:
        raise RegressionFailed(table)
    return table


def write_reference(profile: str, tolerance: float, basis: str, path: Path | None = None) -> Path:
    """Record the current runs of `profile` as its reference, with the tolerance and its basis,
    and what the course runner recorded of the notebooks' costs and the environment."""
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
    write_atomically(path, json.dumps(content, indent=1) + "\n")
    return path


def reference_table(reference: Reference, runs: dict[str, RunRecord], runs_profile: str) -> str:
    """A plain-text table of `reference` (intervals, textbook figures, epochs, time) beside the
    test accuracies of `runs`, a learner's runs of the profile called `runs_profile`."""
    mine = f"your run ({runs_profile})"
    header = ("model", f"{reference.profile} reference (95 % interval)", "textbook", "best epoch", "s/epoch", mine)
    rows = [header]
    for model in COURSE_MODELS:
        expected, run = reference.models.get(model.key), runs.get(model.key)
        textbook = f"{model.textbook_accuracy:.3f}" if model.textbook_accuracy else "–"
        yours = f"{run.test_accuracy:.3f}" if run else "not run yet"
        if expected is None:
            rows.append((model.title, "not in the reference yet", textbook, "", "", yours))
            continue
        accuracy, reviews = float(expected["test_accuracy"]), expected.get("test_reviews")
        interval = " ({:.3f}–{:.3f})".format(*accuracy_interval(accuracy, reviews)) if reviews else ""
        epochs = f"{expected['best_epoch']} of {expected['epochs']}" if "epochs" in expected else ""
        seconds = seconds_text(expected["seconds_per_epoch"]) if "seconds_per_epoch" in expected else ""
        rows.append((model.title, f"{accuracy:.3f}{interval}", textbook, epochs, seconds, yours))
    return _provenance(reference) + "\n" + text_table(rows)


def _provenance(reference: Reference) -> str:
    """Where and when the reference ran, and what each notebook cost."""
    env = reference.environment
    dates = sorted(model["recorded_at"][:10] for model in reference.models.values() if "recorded_at" in model)
    devices = sorted({model["device"] for model in reference.models.values() if "device" in model})
    when = (dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}") if dates else "undated"
    lines = [f"Reference run of the '{reference.profile}' profile, {when}, on {', '.join(devices) or 'an unrecorded device'}"]
    if env:
        lines.append(f"  {env.get('cpu', '?')}; Python {env.get('python', '?')}, TensorFlow {env.get('tensorflow', '?')}, "
                     f"Keras {env.get('keras', '?')}")
    elif any("environment" in run for run in reference.notebooks.values()):
        lines.append("  the notebooks ran in different environments: each is named in the reference file")
    if reference.notebooks:
        costs = [f"{name[:2]} {run['minutes']:.0f} min{_cost_notes(run)}" for name, run in reference.notebooks.items()]
        total = sum(run["minutes"] for run in reference.notebooks.values())
        lines.append(f"  notebooks, wall time (peak memory): {', '.join(costs)}; {total / 60:.1f} h in all")
        if any(run.get("resumed") for run in reference.notebooks.values()):
            lines.append("  resumed: interrupted and re-run; its wall time is the last part's only, its s/epoch count every epoch")
    return "\n".join(lines) + "\n"


def _cost_notes(run: dict) -> str:
    """' (5.0 GiB)', ' (5.0 GiB, resumed)' or '' for a notebook's entry in a reference."""
    notes = [f"{run['peak_memory_gib']:.1f} GiB"] if run.get("peak_memory_gib") else []
    notes += ["resumed"] if run.get("resumed") else []
    return f" ({', '.join(notes)})" if notes else ""
