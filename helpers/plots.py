"""The course's figures: review lengths, masks, training curves, and the comparison of models."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from helpers.catalogue import COURSE_MODELS
from helpers.results import RunRecord, accuracy_interval


def plot_review_lengths(lengths: np.ndarray, cut: int, textbook_cut: int = 600) -> plt.Figure:
    """Histogram of tokens per review, with the profile's cut and the textbook's 600."""
    figure, axes = plt.subplots(figsize=(8, 3.5))
    axes.hist(lengths, bins=np.arange(0, min(lengths.max(), 1500) + 25, 25), color="#7a9cc6")
    cuts = [(cut, "-", "this profile's cut")]
    if cut != textbook_cut:
        cuts.append((textbook_cut, "--", "textbook's cut"))
    for length, style, label in cuts:
        share = (lengths > length).mean()
        axes.axvline(length, color="#c0392b", linestyle=style, label=f"{label}: {length} tokens ({share:.0%} longer)")
    axes.set(xlabel="tokens per review", ylabel="reviews", title="How long are the reviews?")
    axes.legend()
    figure.tight_layout()
    return figure


def plot_mask(tokens: np.ndarray, rows: int = 12) -> plt.Figure:
    """A batch of token sequences as a picture: words dark, padding light."""
    shown = np.asarray(tokens)[:rows]
    figure, axes = plt.subplots(figsize=(9, 0.35 * len(shown) + 1))
    axes.imshow(shown != 0, aspect="auto", cmap="Blues", interpolation="nearest", vmin=0, vmax=1.4)
    axes.set(xlabel="position in the sequence", ylabel="review", title="Real tokens (dark) and padding (light)")
    figure.tight_layout()
    return figure


def plot_history(record: RunRecord) -> plt.Figure:
    """Training and validation loss and accuracy per epoch, the checkpointed epoch marked."""
    epochs = np.arange(1, len(record.history["loss"]) + 1)
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 3.5))
    for axes, metric in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
        axes.plot(epochs, record.history[metric], "o-", label="training")
        axes.plot(epochs, record.history[f"val_{metric}"], "s-", label="validation")
        axes.axvline(record.best_epoch, color="grey", linestyle=":", label="best epoch (kept)")
        axes.set(xlabel="epoch", ylabel=metric, xticks=epochs)
        axes.legend()
    figure.suptitle(f"{_title(record.model)} ({record.profile} profile)")
    figure.tight_layout()
    return figure


def plot_validation_accuracy(runs: dict[str, RunRecord]) -> plt.Figure:
    """Validation accuracy per epoch of every recorded model, on one chart."""
    figure, axes = plt.subplots(figsize=(8, 4))
    longest = 1
    for model in COURSE_MODELS:
        if model.key in runs:
            values = runs[model.key].history["val_accuracy"]
            longest = max(longest, len(values))
            axes.plot(np.arange(1, len(values) + 1), values, "o-", label=model.title)
    axes.set(xlabel="epoch", ylabel="validation accuracy", title="Validation accuracy per epoch")
    axes.set_xticks(np.arange(1, longest + 1))
    axes.legend()
    figure.tight_layout()
    return figure


def plot_test_accuracy(runs: dict[str, RunRecord]) -> plt.Figure:
    """Test accuracy of each recorded model, with its 95 % interval, beside the textbook's figure."""
    models = [m for m in COURSE_MODELS if m.key in runs]
    positions = np.arange(len(models))
    figure, axes = plt.subplots(figsize=(10, 4.5))
    accuracies = [runs[m.key].test_accuracy for m in models]
    errors = np.array([_interval_error(runs[m.key]) for m in models]).T
    ours = axes.bar(positions - 0.2, accuracies, 0.4, yerr=errors, capsize=3, label="this run (95 % interval)")
    textbook = [m.textbook_accuracy or 0 for m in models]
    axes.bar(positions + 0.2, textbook, 0.4, label="textbook (full data)", color="#bbbbbb")
    axes.bar_label(ours, fmt="%.3f")
    axes.set(xticks=positions, ylim=(0.4, 1.08), ylabel="test accuracy", title="Test accuracy")
    axes.set_xticklabels([m.title for m in models], rotation=20, ha="right")
    axes.legend(loc="upper center", ncol=2)
    figure.tight_layout()
    return figure


def plot_accuracy_against_time(runs: dict[str, RunRecord]) -> plt.Figure:
    """Test accuracy (95 % interval bars) against training seconds per epoch (log scale: the models
    span two orders of magnitude), one point per model; up and to the left is better."""
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for model in COURSE_MODELS:
        run = runs.get(model.key)
        if run is None:
            continue
        error = np.array(_interval_error(run)).reshape(2, 1)
        axes.errorbar(run.mean_seconds_per_epoch, run.test_accuracy, yerr=error, fmt="o", capsize=4, label=model.title)
        axes.annotate(model.title, (run.mean_seconds_per_epoch, run.test_accuracy), xytext=(6, 4),
                      textcoords="offset points", fontsize=8)
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: f"{seconds:g}"))
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda seconds, _: f"{seconds:g}"))
    profile = next(iter(runs.values())).profile if runs else "?"
    axes.set(xlabel="training seconds per epoch (log scale)", ylabel="test accuracy",
             title=f"Accuracy against cost ({profile} profile; bars: 95 % interval)")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    return figure


def plot_learning_curve(curves: dict[str, dict[int, RunRecord]],
                        references: dict[str, tuple[int, float, int]] | None = None) -> plt.Figure:
    """Test accuracy (95 % interval bars) against training reviews (log scale): one line per model
    of `curves`, {label: {training reviews: its record}}. `references`, {label of a curve:
    (training reviews, accuracy, test reviews)}, are results of another run (a full-size
    reference): drawn hollow in the curve's colour, apart from it, with their own intervals."""
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for label, runs in curves.items():
        sizes = sorted(runs)
        errors = np.array([_interval_error(runs[size]) for size in sizes]).T.reshape(2, len(sizes))
        line = axes.errorbar(sizes, [runs[size].test_accuracy for size in sizes], yerr=errors, fmt="o-",
                             capsize=4, label=label)
        if references and label in references:
            reviews, accuracy, tested = references[label]
            low, high = accuracy_interval(accuracy, tested)
            axes.errorbar([reviews], [accuracy], yerr=[[accuracy - low], [high - accuracy]], fmt="o", mfc="white",
                          color=line[0].get_color(), capsize=4, label=f"{label}: full-size reference")
    axes.set_xscale("log")
    sizes = {size for runs in curves.values() for size in runs} | {size for size, _, _ in (references or {}).values()}
    axes.set_xticks(sorted(sizes), [f"{size:,}" for size in sorted(sizes)])
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    axes.set(xlabel="training reviews (log scale)", ylabel="test accuracy",
             title="Test accuracy against the number of training reviews (bars: 95 % interval)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    return figure


def _interval_error(run: RunRecord) -> tuple[float, float]:
    """Distances from the accuracy down and up to its 95 % interval (zero if unknown)."""
    interval = run.test_interval
    return (run.test_accuracy - interval[0], interval[1] - run.test_accuracy) if interval else (0.0, 0.0)


def _title(key: str) -> str:
    return next((m.title for m in COURSE_MODELS if m.key == key), key)


def project_2d(vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """The rows of `vectors` projected onto their two principal directions (centre, then SVD):
    `(n, 2)` coordinates, and the share of the variance the two directions keep."""
    centred = np.asarray(vectors, dtype=np.float64) - np.mean(vectors, axis=0)
    _, singular_values, directions = np.linalg.svd(centred, full_matrices=False)
    variance = singular_values**2
    return centred @ directions[:2].T, float(variance[:2].sum() / max(variance.sum(), 1e-12))


def plot_word_map(words: list[str], tables: dict[str, np.ndarray], groups: list[str]) -> plt.Figure:
    """One panel per embedding: its vectors of `words` projected to 2-D, coloured by each word's
    group ("film", "positive", …); each title says how much of the variance the projection keeps."""
    kinds = list(dict.fromkeys(groups))
    colours = dict(zip(kinds, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    figure, panels = plt.subplots(1, len(tables), figsize=(6.5 * len(tables), 5.5), squeeze=False)
    for axes, (title, vectors) in zip(panels[0], tables.items()):
        points, kept = project_2d(vectors)
        for kind in kinds:
            rows = [i for i, group in enumerate(groups) if group == kind]
            axes.scatter(points[rows, 0], points[rows, 1], color=colours[kind], label=kind)
        for word, (x, y) in zip(words, points):
            axes.annotate(word, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=8)
        axes.set(title=f"{title} (the two axes keep {kept:.0%} of the variance)", xticks=[], yticks=[])
        axes.legend()
    figure.tight_layout()
    return figure


def plot_distances(words: list[str], distances: dict[str, np.ndarray]) -> plt.Figure:
    """One heatmap per square matrix of distances between `words`, each with its own scale."""
    figure, panels = plt.subplots(1, len(distances), figsize=(5 * len(distances), 4.2), squeeze=False)
    for axes, (title, matrix) in zip(panels[0], distances.items()):
        image = axes.imshow(matrix, cmap="viridis", vmin=0)
        axes.set(title=title, xticks=range(len(words)), yticks=range(len(words)))
        axes.set_xticklabels(words, rotation=45, ha="right")
        axes.set_yticklabels(words)
        figure.colorbar(image, ax=axes, shrink=0.8, label="distance")
    figure.tight_layout()
    return figure
