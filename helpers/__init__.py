"""Helpers of the course "Sequence models for text, in Keras 3".

The notebooks import this package for everything that is not the lesson itself: data,
GloVe, training bookkeeping, results and plots. Each module has one job:

- `config`: paths under `data/` and the run profiles;
- `fetch`: downloads with pinned checksums;
- `imdb`: the review archive, its safe extraction and the validation split;
- `text_data`: datasets and `TextVectorization`;
- `glove`: GloVe vectors and the embedding matrix;
- `training`, `results`: fitting, testing and recording runs;
- `bag_of_words`, `builders`: multi-hot datasets, and the models of notebooks 06 and 07;
- `plots`: the figures; `session`: the setup report; `runner`: running the whole course.

Importing it imports TensorFlow with its native start-up messages (oneDNN, CUDA probing)
silenced, so that they do not clutter the notebooks: import it before `keras`.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from helpers.native_log import native_stderr_silenced  # noqa: E402

with native_stderr_silenced():
    import tensorflow as _tf

    _tf.config.list_physical_devices("GPU")  # probes the GPU once, quietly

from helpers.config import MAX_TOKENS, PROFILES, SEED, Profile, data_dir, get_profile  # noqa: E402

__all__ = ["MAX_TOKENS", "PROFILES", "SEED", "Profile", "data_dir", "get_profile"]
