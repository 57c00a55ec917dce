"""Does early stopping keep the checkpoint's choice? Runs with and without it, on one machine.

    python benchmarks/early_stopping.py            # after `python -m helpers run --profile quick`

Reads the runs of the quick profile (which stops once `val_loss` has not improved for
`patience` epochs) from `data/results/quick.json`. A model whose run trained every epoch is
the run without early stopping too. The notebook of each model that stopped early is run
again as a learner would change it, its setup cell choosing
`custom_profile("quick", "quick-every-epoch", patience=None)` (every epoch, as the textbook
trains), and the two runs' best epochs and test accuracies are compared. Then the full
profile's saving is worked out from `data/reference/full.json`: a training stops `patience`
epochs after its best one, at the latest after the last epoch.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat

from helpers.catalogue import course_model
from helpers.config import PROFILES, project_root
from helpers.instructor.runner import execute_notebook
from helpers.reference import load_reference
from helpers.results import load_runs

EVERY_EPOCH = "quick-every-epoch"


def run_every_epoch(notebook: str) -> None:
    """Execute `notebook` with its setup cell's profile replaced by the quick one without early stopping."""
    source = project_root() / "notebooks" / f"{notebook}.ipynb"
    content = nbformat.read(source, as_version=4)
    setup = next(cell for cell in content.cells if cell.cell_type == "code")
    if "PROFILE = get_profile()" not in setup.source:
        raise ValueError(f"the setup cell of {source.name} no longer says `PROFILE = get_profile()`")
    setup.source = setup.source.replace(
        "PROFILE = get_profile()",
        f'from helpers.config import custom_profile\nPROFILE = custom_profile("quick", "{EVERY_EPOCH}", patience=None)',
    )
    with tempfile.TemporaryDirectory() as folder:
        patched = Path(folder) / source.name
        nbformat.write(content, patched)
        execute_notebook(patched, Path(folder) / f"executed-{source.name}")


def main() -> None:
    quick = PROFILES["quick"]
    runs = load_runs(quick)
    print(f"quick profile, patience {quick.patience}, {quick.epochs} epochs at most")
    stopped = {key: run for key, run in runs.items() if len(run.history["val_loss"]) < quick.epochs}
    for notebook in sorted({course_model(key).notebook for key in stopped}):
        run_every_epoch(notebook)
    again = load_runs(EVERY_EPOCH)
    for key, run in runs.items():
        trained = len(run.history["val_loss"])
        if key not in stopped:
            print(f"{key:>15}: trained all {trained} epochs, best {run.best_epoch}: the same as without early stopping")
            continue
        other = again[key]
        same = other.best_epoch == run.best_epoch and abs(other.test_accuracy - run.test_accuracy) < 1e-6
        print(f"{key:>15}: stopped after {trained} of {quick.epochs} epochs, best {run.best_epoch}, test "
              f"{run.test_accuracy:.4f}; every epoch: best {other.best_epoch} of {len(other.history['val_loss'])}, "
              f"test {other.test_accuracy:.4f}: {'the same' if same else 'DIFFERENT'}")
    for key in sorted(set(again) - set(stopped)):  # ran again beside a model that stopped: must repeat itself
        print(f"   (same notebook, {key}: {again[key].test_accuracy:.4f} again, {runs[key].test_accuracy:.4f} before)")

    full = load_reference("full")
    patience, epochs = PROFILES["full"].patience, PROFILES["full"].epochs
    spent = every = 0.0
    for key, model in full.models.items():
        run_epochs = min(epochs, model["best_epoch"] + patience)
        spent += run_epochs * model["seconds_per_epoch"]
        every += epochs * model["seconds_per_epoch"]
        print(f"full, {key:>15}: best epoch {model['best_epoch']}, {run_epochs} of {epochs} epochs")
    print(f"full profile with patience {patience}: {spent / every:.2f} of the training time of every epoch "
          f"({spent / 3600:.1f} h against {every / 3600:.1f} h on the reference's 2-core CPU)")


if __name__ == "__main__":
    main()
