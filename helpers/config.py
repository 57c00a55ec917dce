"""Where the course keeps its files, and the run profiles that size it.

Every path the helpers write to comes from `data_dir()` (each location under it is named in
`helpers._plumbing.paths`, as `data/README.md` lists them); on Colab, `keep_data_on_drive` keeps
what the notebooks produce on Google Drive. A profile sets how much of the real
data is used and how long the models train, never the architecture; `custom_profile` derives
one of your own from a built-in one.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from helpers._plumbing.paths import BACKUPS, DATA_DIR_ENV, MODELS, RESULTS, data_dir, project_root  # noqa: F401

# What the notebooks produce, kept on Drive by `keep_data_on_drive`; downloads and reviews stay local.
DRIVE_KEPT = (MODELS, BACKUPS, RESULTS)
DRIVE_FOLDER = "/content/drive/MyDrive/seq-models-course"
PROFILE_ENV, SEED_ENV = "COURSE_PROFILE", "COURSE_SEED"
DEFAULT_PROFILE = "quick"
MAX_TOKENS = 20_000  # vocabulary size of every model: the textbook's
DATA_SEED = 1337  # the textbook's seed: the validation split and the samples of the smaller profiles


def _training_seed() -> int:
    value = os.environ.get(SEED_ENV, "").strip()
    try:
        return int(value) if value else DATA_SEED
    except ValueError:
        raise ValueError(f"${SEED_ENV} must be a whole number, got {value!r}") from None


# Keras' seed and the shuffling of the training batches: 1337 unless $COURSE_SEED names another
# (to see how much results vary from run to run). The split and the samples never change with it.
SEED = _training_seed()


@dataclass(frozen=True)
class Profile:
    """How much data and training one run of the course uses.

    `*_per_class`: reviews of each class taken from the split (None: all of them). `patience`:
    stop once the validation loss has not improved for that many epochs; None trains every epoch.
    """

    name: str
    description: str
    train_per_class: int | None
    val_per_class: int | None
    test_per_class: int | None
    sequence_length: int
    batch_size: int
    epochs: int
    patience: int | None = None

    @property
    def uses_every_review(self) -> bool:
        return (self.train_per_class, self.val_per_class, self.test_per_class) == (None,) * 3


PROFILES: dict[str, Profile] = {
    "full": Profile(
        "full", "the textbook's settings: all 20,000 / 5,000 / 25,000 reviews, 600 tokens, 10 epochs "
        "(stopping early after 3 without progress)",
        train_per_class=None, val_per_class=None, test_per_class=None, sequence_length=600, batch_size=32,
        epochs=10, patience=3),  # the best epochs of the full reference (2, 4, 3, 10, 7; bags 2, 1) all kept
    "quick": Profile(
        "quick", "5,000 / 1,000 / 2,000 reviews, 200 tokens, 6 epochs (stopping early after 3 without "
        "progress): the whole course in a quarter of an hour on a 2-core CPU",
        train_per_class=2_500, val_per_class=500, test_per_class=1_000, sequence_length=200, batch_size=32,
        # 3, not 2: in a quick reference GloVe's validation loss rose after epoch 3 and beat it
        # again only at epoch 6 (its best); a patience of 2 would have stopped after epoch 5.
        epochs=6, patience=3),
    "smoke": Profile(
        "smoke", "a tiny balanced sample of the real reviews, for CI: checks that everything runs",
        train_per_class=100, val_per_class=50, test_per_class=100, sequence_length=100, batch_size=32,
        epochs=2, patience=None),
}


def get_profile(name: str | None = None) -> Profile:
    """The profile called `name`, else the one $COURSE_PROFILE names, else quick. Raises
    ValueError for an unknown name, listing the known ones."""
    chosen = (name or os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE).strip().lower()
    if chosen not in PROFILES:
        raise ValueError(f"unknown profile {chosen!r}: choose one of {', '.join(PROFILES)} "
                         f"(argument, or the {PROFILE_ENV} environment variable)")
    return PROFILES[chosen]


def as_profile(profile: Profile | str | None) -> Profile:
    """`profile` itself, the built-in profile of that name, or the active one for None. Raises
    ValueError for an unknown name, TypeError (saying what to pass) for anything else."""
    if profile is None or isinstance(profile, str):
        return get_profile(profile)
    if not isinstance(profile, Profile):
        raise TypeError(f"expected a profile, got {type(profile).__name__} {profile!r}: pass a Profile "
                        f"(such as get_profile()) or a profile's name ({', '.join(PROFILES)})")
    return profile


def profile_name(profile: Profile | str) -> str:
    """The name of `profile`, a Profile or a name (a custom profile's too); TypeError for anything else."""
    if isinstance(profile, Profile):
        return profile.name
    if not isinstance(profile, str) or not profile.strip():
        raise TypeError(f"expected a profile or its name, got {type(profile).__name__} {profile!r}: "
                        "pass PROFILE (a Profile) or a profile's name")
    return profile.strip()


def custom_profile(base: str, name: str, **changes: int | None) -> Profile:
    """A copy of the built-in profile `base` with some settings changed, under a name of its own.

    For example `custom_profile("quick", "quick-10ep", epochs=10)`, `sequence_length=400`, or
    `patience=None` to train every epoch. The name keeps its data sample, checkpoints and results
    apart from the built-in profiles' (`data/subsets/<name>-…`, `data/models/<name>/`,
    `data/results/<name>.json`): choose a new one for each set of changes. Raises ValueError for
    an unknown base or setting, or a name that is taken or unfit for a path.
    """
    settings = [f.name for f in fields(Profile) if f.name not in ("name", "description")]
    unknown = sorted(set(changes) - set(settings))
    if unknown:
        raise ValueError(f"unknown setting {', '.join(unknown)}: choose among {', '.join(settings)}")
    if name.strip().lower() in PROFILES:
        raise ValueError(f"{name!r} is a built-in profile: give your profile a new name, such as '{base}-mine', "
                         "so that its results do not overwrite the built-in one's")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise ValueError(f"profile name {name!r}: use letters, digits, '-' and '_' only (it names folders)")
    for setting, value in changes.items():
        _check_setting(setting, value)
    original = get_profile(base)
    epochs, patience = changes.get("epochs", original.epochs), changes.get("patience")
    if patience is not None and patience >= epochs:
        raise ValueError(f"patience={patience} with epochs={epochs} never stops early (that takes patience + 1 "
                         "epochs): pass patience=None to train every epoch, or a patience below epochs")
    described = ", ".join(f"{key}={value}" for key, value in changes.items()) or "no changes"
    return replace(original, name=name, description=f"the {original.name} profile with {described}", **changes)


def _check_setting(setting: str, value: object) -> None:
    """Raise ValueError, saying what fits, for a profile setting that no training can use."""
    optional = setting == "patience" or setting.endswith("_per_class")
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{setting}={value!r}: give a whole number of 1 or more"
                         + (" (or None: " + ("train every epoch)" if setting == "patience" else "every review)")
                            if optional else ""))


def keep_data_on_drive(keep: bool, folder: Path | None = None) -> Path | None:
    """With `keep`, on Colab, mount Google Drive and keep `models/`, `backups/` and `results/` of
    `data_dir()` in `folder` (default: MyDrive/seq-models-course), so that the next runtime finds
    them: notebook 8 and later notebooks read the earlier ones' results, and an interrupted
    training resumes. Downloads and reviews stay on the runtime's disk, quicker to prepare again.
    Call it before anything reads or writes `data/`. Returns `folder`, or None when nothing is kept
    (without `keep`, or outside Colab with no `folder`: then it says so)."""
    on_colab = "google.colab" in sys.modules
    if not keep:
        if on_colab:
            print("Results stay in this runtime; to keep them for other notebooks, set KEEP_DATA_ON_DRIVE = True.")
        return None
    if folder is None:
        if not on_colab:
            print(f"KEEP_DATA_ON_DRIVE works on Colab only: the data stays in {data_dir()}.")
            return None
        from google.colab import drive

        drive.mount(str(Path(DRIVE_FOLDER).parents[1]))
        folder = Path(DRIVE_FOLDER)
    local = data_dir()
    os.environ[DATA_DIR_ENV] = str(local)  # pinned: a change of folder later does not lose the links
    for name in DRIVE_KEPT:
        kept, link = folder / name, local / name
        kept.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        elif link.is_dir():  # produced before the switch was on: move what Drive lacks
            for entry in link.iterdir():
                if not (kept / entry.name).exists():
                    shutil.move(entry, kept / entry.name)
            shutil.rmtree(link)
        link.symlink_to(kept, target_is_directory=True)
    print(f"Models, backups and results are kept on Drive, in {folder}.")
    return folder
