"""Helpers of the course "Sequence models for text, in Keras 3", in two wings.

What the notebooks import, each module with one job:

- `config`: paths under `data/` and the run profiles; `catalogue`: the models of the course;
- `fetch`, `storage`, `records`: checked downloads, safe writes under `data/`, JSON records;
- `imdb`: the review archive, its safe extraction and the validation split;
- `text_data`: datasets and `TextVectorization`; `bag_of_words`: multi-hot datasets;
- `glove`, `neighbours`: GloVe vectors, the embedding matrix, nearest words;
- `one_hot`, `builders`: the one-hot LSTM layer, and the models of notebooks 06 and 07;
- `training`, `epoch_log`, `results`, `reference`: fitting and testing, resuming a killed training,
  the record of runs, reference runs;
- `explain`: which words decided a prediction, by occlusion; `diagrams`: figures that explain
  an idea (a lookup, a mask, a receptive field);
- `plots`: the figures of results; `notebook_setup`: the setup cell's report (`native_log` keeps
  TensorFlow's start-up lines out of it).

The instructor's tools, which no module above imports, are in `helpers.instructor`: the
headless course runner, the run log, the regression check and the command line
(`python -m helpers run …`, `python -m helpers reference …`).

Importing the package loads no TensorFlow, so the command line starts at once.
`helpers.notebook_setup` imports TensorFlow with its native start-up messages silenced: the
setup cell of every notebook imports it before `keras`. The names below come from `config`
on first use, so that the command line can report a malformed $COURSE_SEED in one line.
"""

__all__ = ["MAX_TOKENS", "PROFILES", "SEED", "Profile", "data_dir", "get_profile"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    from helpers import config

    return getattr(config, name)
