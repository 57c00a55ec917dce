"""Helpers of the course "Sequence models for text, in Keras 3".

The notebooks import this package for everything that is not the lesson itself: data,
GloVe, training bookkeeping, results and plots. Each module has one job:

- `config`: paths under `data/` and the run profiles;
- `catalogue`: the models of the course and what to expect of each;
- `fetch`: downloads with pinned checksums;
- `imdb`: the review archive, its safe extraction and the validation split;
- `text_data`: datasets and `TextVectorization`;
- `glove`: GloVe vectors and the embedding matrix;
- `training`, `results`: fitting, testing and recording runs;
- `bag_of_words`, `builders`: multi-hot datasets, and the models of notebooks 06 and 07;
- `explain`: which words decided a prediction, by occlusion;
- `plots`: the figures; `session`: the setup report; `runner`: running the whole course.

Importing the package loads no TensorFlow, so the command line and the runner start at
once. `helpers.session` imports TensorFlow with its native start-up messages silenced:
the setup cell of every notebook imports it before `keras`.
"""

from helpers.config import MAX_TOKENS, PROFILES, SEED, Profile, data_dir, get_profile

__all__ = ["MAX_TOKENS", "PROFILES", "SEED", "Profile", "data_dir", "get_profile"]
