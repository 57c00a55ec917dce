"""The reference results of a profile: a trusted run of every model, to set yours beside.

`data/reference/<profile>.json`, committed with the course (and installed with the package;
a copy in the data folder's `reference/`, where `python -m helpers reference` records one,
comes first), holds per model its parameter counts and test accuracy, and the tolerance the instructor's
regression check allows (`helpers.instructor.regression`):

    {"profile": "quick", "tolerance": 0.01, "tolerance_basis": "max - min of 3 runs on …",
     "models": {"embeddings": {"params_total": 5194049, "params_trainable": 5194049,
                               "test_accuracy": 0.846, "tolerance": 0.02, "test_reviews": 2000, …}},
     "notebooks": {"03_learned_embeddings": {"minutes": 3.4, "peak_memory_gib": 2.1, …}},
     "environment": {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "cpu": …}}

Notebook 08 shows the full profile's reference beside the learner's run with `reference_table`,
and, where the learner has no run yet (a new Colab runtime), the profile's own reference in its
place (`reference_in_place_of_runs`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from helpers import catalogue
from helpers.config import Profile, profile_name
from helpers._plumbing import paths
from helpers._plumbing.statistics import accuracy_interval
from helpers._plumbing.tables import seconds_text, text_table
from helpers.results import RunRecord

PARAMETERS = ("params_total", "params_trainable")


@dataclass(frozen=True)
class Reference:
    """The reference results of one profile: per model its figures, and the tolerance."""

    profile: str
    tolerance: float
    tolerance_basis: str
    models: dict[str, dict]
    notebooks: dict[str, dict] = field(default_factory=dict)  # minutes and peak memory of each notebook
    environment: dict[str, str] = field(default_factory=dict)  # machine and software versions


def reference_path(profile: Profile | str) -> Path:
    """The reference file of `profile`: `reference/<profile>.json` of the data folder if there is
    one, else the copy installed with the package (the course checkout's `data/reference/`)."""
    return paths.reference_path(profile_name(profile))


def recorded_reference_path(profile: Profile | str) -> Path:
    """Where `python -m helpers reference` records one: `reference/<profile>.json` of the data folder."""
    return paths.recorded_reference_path(profile_name(profile))


def load_reference(profile: Profile | str, path: Path | None = None) -> Reference:
    """Read the reference results of `profile` (a Profile or a profile's name).

    Raises FileNotFoundError saying how to record one, ValueError naming a malformed field.
    """
    name, path = profile_name(profile), path or reference_path(profile)
    if not path.is_file():
        raise FileNotFoundError(
            f"no reference results for the '{name}' profile ({path}): after a run you trust, record "
            f"them with `python -m helpers reference --profile {name} --tolerance T --basis '…'`"
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        reference = Reference(
            profile=content["profile"], tolerance=float(content["tolerance"]),
            tolerance_basis=str(content.get("tolerance_basis", "")), models=dict(content["models"]),
            notebooks=dict(content.get("notebooks", {})), environment=dict(content.get("environment", {})),
        )
        for key, model in reference.models.items():
            missing = [figure for figure in (*PARAMETERS, "test_accuracy") if figure not in model]
            if missing:
                raise KeyError(f"models.{key}.{missing[0]}")
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"the reference file {path} is malformed ({error}); see helpers/reference.py") from None
    if reference.profile != name:
        raise ValueError(f"the reference file {path} is for the '{reference.profile}' profile, not '{name}'")
    return reference


def reference_in_place_of_runs(profile: Profile | str) -> str:
    """What notebook 8 shows when the data folder holds no run of `profile`: the profile's
    reference, labelled as not the learner's run, and what to run to see one's own."""
    name = profile_name(profile)
    todo = (f"run notebooks 2 to 7 under the '{name}' profile (on Colab with KEEP_DATA_ON_DRIVE = True in their "
            "setup cells), then this notebook again")
    try:
        reference = load_reference(name)
    except FileNotFoundError:
        return f"No runs of the '{name}' profile here yet, and no reference run of it to show: to see yours, {todo}."
    return (f"No runs of the '{name}' profile here yet. In their place, the course's reference run, not yours: "
            f"to see yours, {todo}.\n\n" + reference_table(reference, {}, name))


def reference_table(reference: Reference, runs: dict[str, RunRecord], runs_profile: Profile | str) -> str:
    """A plain-text table of `reference` (intervals, textbook figures, epochs, time) beside the
    test accuracies of `runs`, a learner's runs of `runs_profile` (a Profile or its name)."""
    header = ("model", f"{reference.profile} reference (95 % interval)", "textbook", "best epoch", "s/epoch",
              f"your run ({profile_name(runs_profile)})")
    rows = [header]
    for model in catalogue.COURSE_MODELS:
        expected, run = reference.models.get(model.key), runs.get(model.key)
        textbook = model.textbook_text
        yours = f"{run.test_accuracy:.3f}" if run else "not run yet"
        if expected is None:
            rows.append((model.title, "not in the reference yet", textbook, "", "", yours))
            continue
        accuracy, reviews = float(expected["test_accuracy"]), expected.get("test_reviews")
        interval = " ({:.3f}–{:.3f})".format(*accuracy_interval(accuracy, reviews)) if reviews else ""
        epochs = f"{expected['best_epoch']} of {expected['epochs']}" if "epochs" in expected else ""
        seconds = seconds_text(expected["seconds_per_epoch"]) if "seconds_per_epoch" in expected else ""
        rows.append((model.title, f"{accuracy:.3f}{interval}", textbook, epochs, seconds, yours))
    dates = sorted(model["recorded_at"][:10] for model in reference.models.values() if "recorded_at" in model)
    devices = sorted({model["device"] for model in reference.models.values() if "device" in model})
    when = (dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}") if dates else "undated"
    device = ", ".join(devices) or "an unrecorded device"
    heading = f"Reference run of the '{reference.profile}' profile, {when}, on {device} (how it ran: data/reference/README.md)"
    return heading + "\n\n" + text_table(rows)
