"""Helpers of the course "Sequence models for text, in Keras 3", in three parts.

- The lesson helpers, what the notebooks import (every module at this level): `config`
  (profiles, the data folder), `catalogue` (the models); `imdb`, `text_data`, `bag_of_words`
  (reviews, datasets); `glove`, `neighbours`; `one_hot`, `builders` (layers and models);
  `training`, `results`, `reference` (fitting, recording, reference runs); `explain`,
  `diagrams`, `plots` (figures); `notebook_setup` (what the setup cell reports).
- The plumbing behind them, `helpers._plumbing`: paths under `data/`, the runtime (quiet
  TensorFlow, device, determinism), checked downloads, safe writes, record files, the epoch log,
  statistics and tables. No notebook names it; a learner need not read it.
- The instructor's tools, `helpers.instructor`, which nothing above imports: the headless
  runner, the run log, the regression check, the command line (`python -m helpers …`).

Importing the package loads no TensorFlow, so that the command line starts at once; the names
below come from `config` on first use, so that it reports a malformed $COURSE_SEED in one line.
"""

__all__ = ["MAX_TOKENS", "PROFILES", "SEED", "Profile", "data_dir", "get_profile", "keep_data_on_drive"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    from helpers import config

    return getattr(config, name)
