"""Every location under the data folder, in one place: the layout that `data/README.md` describes.

The data folder is $COURSE_DATA_DIR, else `data/` in the course checkout, else `data/` in the
current folder; everything the helpers write lands in it. The folder names are defined here once.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

DATA_DIR_ENV = "COURSE_DATA_DIR"
DOWNLOADS = "downloads"  # the archives, checked against their SHA-256s
REVIEWS = "aclImdb"  # the extracted reviews, split into train/val/test
SUBSETS = "subsets"  # the smaller profiles' samples of the reviews
MODELS = "models"  # <profile>/<model>.keras: the best epoch of each model
BACKUPS = "backups"  # <profile>/<model>/: an unfinished training's state
RESULTS = "results"  # <profile>.json: the run records; <profile>-notebooks.json: the runner's timings
RUNS = "runs"  # <profile>/: the notebooks as the runner executed them
REFERENCE = "reference"  # <profile>.json: reference results (also installed with the package)
LOCKS = ".locks"  # <name>.lock: one process at a time prepares or writes each thing


def project_root() -> Path | None:
    """The course checkout this package was installed from, or None for a plain install."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def data_dir() -> Path:
    """The folder for downloads, extracted data, checkpoints and results, created if missing:
    $COURSE_DATA_DIR, else `data/` in the course checkout, else `data/` in the current folder.
    NotADirectoryError, saying what to do, when that is a file."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        path = Path(configured).expanduser()
    else:
        root = project_root()
        path = (root if root is not None else Path.cwd()) / "data"
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"the course's data folder {path} is a file: move that file away, or set "
                                 f"${DATA_DIR_ENV} to a folder (one that does not exist yet is created)")
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def downloads_dir() -> Path:
    return data_dir() / DOWNLOADS


def reviews_root() -> Path:
    """The full data set's reviews: `data/aclImdb/{train,val,test}/{neg,pos}/`."""
    return data_dir() / REVIEWS


def subset_dir(name: str) -> Path:
    """A sample of the reviews for a smaller profile: `data/subsets/<name>/`."""
    return data_dir() / SUBSETS / name


def checkpoint_path(profile_name: str, model_key: str) -> Path:
    """Where the best epoch of a model is kept: `data/models/<profile>/<model>.keras`."""
    return data_dir() / MODELS / profile_name / f"{model_key}.keras"


def vocabulary_path(checkpoint: Path) -> Path:
    """The vocabulary a checkpoint reads, kept beside it: `data/models/<profile>/<model>.vocabulary.json`."""
    return checkpoint.with_name(f"{checkpoint.stem}.vocabulary.json")


def backup_dir(profile_name: str, model_key: str) -> Path:
    """Where an unfinished training keeps its state: `data/backups/<profile>/<model>/`."""
    return data_dir() / BACKUPS / profile_name / model_key


def results_path(profile_name: str) -> Path:
    """The run records of a profile: `data/results/<profile>.json`."""
    return data_dir() / RESULTS / f"{profile_name}.json"


def notebook_runs_path(profile_name: str) -> Path:
    """The runner's record of each notebook's time and memory: `data/results/<profile>-notebooks.json`."""
    return data_dir() / RESULTS / f"{profile_name}-notebooks.json"


def runs_dir(profile_name: str) -> Path:
    """The notebooks as the runner executed them: `data/runs/<profile>/`."""
    return data_dir() / RUNS / profile_name


def lock_path(name: str) -> Path:
    return data_dir() / LOCKS / f"{name}.lock"


def recorded_reference_path(profile_name: str) -> Path:
    """Where `python -m helpers reference` records a profile's reference: `data/reference/<profile>.json`."""
    return data_dir() / REFERENCE / f"{profile_name}.json"


def reference_path(profile_name: str) -> Path:
    """The reference file of a profile: the data folder's if it has one, else the copy installed
    with the package, else the course checkout's `data/reference/` (a copy of the package that
    was not installed); failing all, the data folder's, where one would be recorded."""
    recorded = recorded_reference_path(profile_name)
    if recorded.is_file():
        return recorded
    candidates = []
    try:
        candidates.append(Path(str(resources.files("helpers.reference_data") / recorded.name)))
    except ModuleNotFoundError:  # a copy of the package that was not installed
        pass
    root = project_root()
    if root is not None:
        candidates.append(root / "data" / REFERENCE / recorded.name)
    return next((path for path in candidates if path.is_file()), recorded)
