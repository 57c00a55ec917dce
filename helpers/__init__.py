"""Helpers of the course "Sequence models for text, in Keras 3", in two wings.

What the notebooks import: `config` (paths, profiles), `catalogue` (the models); `fetch`,
`storage`, `records` (checked downloads, safe writes, JSON records); `imdb`, `text_data`,
`bag_of_words` (reviews on disk, datasets); `glove`, `neighbours`; `one_hot`, `builders` (layers
and models); `training`, `epoch_log`, `results`, `reference` (fitting, resuming, recording,
reference runs); `explain`, `diagrams`, `plots` (figures); `notebook_setup`, `native_log` (the
setup cell). The instructor's tools are in `helpers.instructor`, which no module above imports:
the headless runner, the run log, the regression check, the command line (`python -m helpers …`).

Importing the package loads no TensorFlow, so that the command line starts at once; the names
below come from `config` on first use, so that it reports a malformed $COURSE_SEED in one line.
"""

__all__ = ["MAX_TOKENS", "PROFILES", "SEED", "Profile", "data_dir", "get_profile", "keep_data_on_drive"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    from helpers import config

    return getattr(config, name)
