"""The course's figures: review lengths, masks, training curves, and the comparison of models."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.catalogue import COURSE_MODELS
from helpers.results import RunRecord


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
    """Test accuracy of each recorded model beside the textbook's figure."""
    models = [m for m in COURSE_MODELS if m.key in runs]
    positions = np.arange(len(models))
    figure, axes = plt.subplots(figsize=(8, 4))
    ours = axes.bar(positions - 0.2, [runs[m.key].test_accuracy for m in models], 0.4, label="this run")
    textbook = [m.textbook_accuracy or 0 for m in models]
    axes.bar(positions + 0.2, textbook, 0.4, label="textbook (full data)", color="#bbbbbb")
    axes.bar_label(ours, fmt="%.3f")
    axes.set(xticks=positions, ylim=(0.4, 1.08), ylabel="test accuracy", title="Test accuracy")
    axes.set_xticklabels([m.title for m in models], rotation=10)
    axes.legend(loc="upper center", ncol=2)
    figure.tight_layout()
    return figure


def _title(key: str) -> str:
    return next((m.title for m in COURSE_MODELS if m.key == key), key)
