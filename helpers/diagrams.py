"""Diagrams that replace paragraphs: the one-hot lookup, a BiLSTM, the mask, the conv stack's view.

Each draws with plain matplotlib shapes and returns the figure; shapes carry a `gid` ("lit", "word", …).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from helpers.builders import receptive_field

BLUE, RED, GREY, PALE, GREEN = "#7a9cc6", "#c0392b", "#bbbbbb", "#eeeeee", "#5a9e6f"


def draw_one_hot_lookup(
    kernel: np.ndarray, word_index: int, words: list[str] | None = None, matrix: str = "kernel"
) -> plt.Figure:
    """One-hot row × kernel = the kernel's row `word_index`, in coloured cells, rows labelled with
    `words` (or their index); `matrix` names the matrix ("kernel", "embedding table"). ValueError
    unless `kernel` is at most 20 × 12, `word_index` one of its rows, and `words` one per row."""
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be a matrix (words × units), got shape {kernel.shape}")
    vocabulary, units = kernel.shape
    if vocabulary > 20 or units > 12:
        raise ValueError(f"a {vocabulary} × {units} kernel is too big to draw: pass a toy one (at most 20 × 12)")
    if not 0 <= word_index < vocabulary:
        raise ValueError(f"word_index {word_index} is not a row of the kernel: use 0 to {vocabulary - 1}")
    if words is not None and len(words) != vocabulary:
        raise ValueError(f"words names {len(words)} rows but the kernel has {vocabulary}: give one word per row")
    one_hot = np.eye(vocabulary)[word_index]
    product = one_hot @ kernel
    if not np.allclose(product, kernel[word_index]):
        raise ValueError("one-hot × kernel differs from the kernel's row: the kernel has non-finite values")
    scale = max(float(np.abs(kernel).max()), 1e-12)
    colour = lambda value: plt.cm.RdBu_r(0.5 + 0.5 * value / scale)  # noqa: E731
    figure, axes = plt.subplots(figsize=(10, 4.2))
    row_y = vocabulary - 1 - word_index  # row 0 at the top
    left, matrix_x = 0.0, vocabulary + (3.0 if words else 2.0)
    right = matrix_x + units + 2.4
    for i in range(vocabulary):
        lit = i == word_index
        _cell(axes, left + i, row_y, str(int(lit)), RED if lit else "white", "lit" if lit else "one-hot")
        label = words[i] if words else str(i)
        axes.text(left + i + 0.5, row_y + 1.15, label, rotation=60 if words else 0, ha="left" if words else "center",
                  va="bottom", fontsize=9, weight="bold" if lit else "normal")
        axes.text(matrix_x - 0.15, vocabulary - i - 0.5, label, ha="right", va="center", fontsize=9,
                  weight="bold" if lit else "normal")
        for j in range(units):
            _cell(axes, matrix_x + j, vocabulary - 1 - i, f"{kernel[i, j]:.1f}", colour(kernel[i, j]), "kernel",
                  fontsize=8, dark=abs(kernel[i, j]) > 0.6 * scale)
    for j in range(units):
        _cell(axes, right + j, row_y, f"{product[j]:.1f}", colour(product[j]), "product",
              fontsize=8, dark=abs(product[j]) > 0.6 * scale)
    axes.add_patch(Rectangle((matrix_x, row_y), units, 1, fill=False, edgecolor=RED, lw=3, gid="row"))
    axes.text(left + vocabulary + 0.8, row_y + 0.5, "×", fontsize=20, ha="center", va="center")
    axes.text(right - 1.2, row_y + 0.95, "=", fontsize=20, ha="center", va="center")
    _arrow(axes, (matrix_x + units + 0.15, row_y + 0.4), (right - 0.15, row_y + 0.4), colour=RED)
    name = f'"{words[word_index]}"' if words else f"word {word_index}"
    axes.text(left + vocabulary / 2, -0.6, f"one-hot vector of {name}\n(1 × {vocabulary})", ha="center", va="top")
    axes.text(matrix_x + units / 2, -0.6, f"{matrix} ({vocabulary} × {units})", ha="center", va="top")
    axes.text(right + units / 2, -0.6, f"product (1 × {units}):\nrow {word_index} of the {matrix}",
              ha="center", va="top", color=RED)
    axes.set(xlim=(-0.5, right + units + 0.5), ylim=(-2, max(vocabulary, row_y + 3) + 0.3), aspect="equal")
    axes.set_title(f"Multiplying by a one-hot vector looks up one row of the {matrix}")
    return _finish(figure, axes)


def draw_bidirectional_reading(words: list[str]) -> plt.Figure:
    """A review read left to right by one LSTM and right to left by another; their last states
    are concatenated and go to Dense(1, sigmoid). Raises ValueError unless 1 to 12 words."""
    if not words:
        raise ValueError("words is empty: give the review as a list of words, e.g. ['not', 'a', 'bad', 'film']")
    if len(words) > 12:
        raise ValueError(f"{len(words)} words is too many to draw: pass a short review (at most 12 words)")
    n = len(words)
    fits = 0.8 * 650 / (n + 4.3) / 0.6  # characters × points that fit in a word box
    figure, axes = plt.subplots(figsize=(10, 4.5))
    for i, word in enumerate(words):
        _box(axes, i, 0, word, PALE, "word", width=0.8, fontsize=min(10, int(fits / max(len(word), 1))))
        _box(axes, i, 1.3, f"h{i + 1}→", BLUE, "forward")
        _box(axes, i, -1.3, f"←h{n - i}", GREEN, "backward")
        _arrow(axes, (i, 0.25), (i, 1.05))
        _arrow(axes, (i, -0.25), (i, -1.05))
        if i:
            _arrow(axes, (i - 0.65, 1.3), (i - 0.35, 1.3))
            _arrow(axes, (i - 0.35, -1.3), (i - 0.65, -1.3))
    axes.text(-0.5, 1.75, "forward LSTM (reads left to right)", color=BLUE, weight="bold", va="bottom")
    axes.text(-0.5, -1.75, "backward LSTM (reads right to left)", color=GREEN, weight="bold", va="top")
    joined = n + 0.6
    axes.add_patch(Rectangle((joined - 0.3, 0.05), 0.6, 0.6, color=BLUE, gid="concatenated"))
    axes.add_patch(Rectangle((joined - 0.3, -0.55), 0.6, 0.6, color=GREEN, gid="concatenated"))
    axes.text(joined + 0.4, 0.5, "concatenate", ha="left", va="bottom")
    _arrow(axes, (n - 0.65, 1.3), (joined, 0.7), style="arc3,rad=-0.3")
    axes.plot([-0.35, -0.6, -0.6, joined], [-1.3, -1.3, -2.35, -2.35], color="black", lw=1)
    _arrow(axes, (joined, -2.35), (joined, -0.6))
    _box(axes, n + 2.3, 0.05, "Dense → P(positive)", "white", "dense", width=2.0)
    _arrow(axes, (joined + 0.3, 0.05), (n + 1.3, 0.05))
    axes.set(xlim=(-0.9, n + 3.4), ylim=(-2.5, 2.1))
    axes.set_title("A bidirectional LSTM reads the review both ways")
    return _finish(figure, axes)


def draw_padding_and_mask(tokens: np.ndarray, vocabulary: list[str] | None = None, max_steps: int = 12) -> plt.Figure:
    """A batch of right-padded token ids, the mask under each row, and what the LSTM does per step
    for the first padded row: a word updates the state, a masked step carries it over unchanged.
    ValueError unless `tokens` is 1 to 6 rows of non-negative ids."""
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or not 1 <= len(tokens) <= 6 or (tokens < 0).any():
        raise ValueError(f"tokens must be a batch of 1 to 6 rows of non-negative ids, got shape {tokens.shape}")
    shown = tokens[:, :max_steps]
    rows, steps = shown.shape
    example = next((r for r in range(rows) if (shown[r] == 0).any()), 0)
    row = shown[example]
    last = max((t for t in range(steps) if row[t]), default=-1)
    y, left, right = -1.3 * rows - 0.4, -2.2, steps + 2.3
    figure, axes = plt.subplots(figsize=(10, 10 * (2.1 - y) / (right - left) + 0.5))
    for r, ids in enumerate(shown):
        top = -1.3 * r
        axes.text(-0.2, top + 0.35, f"review {r + 1}", ha="right", va="center", fontsize=9,
                  weight="bold" if r == example else "normal")
        axes.text(-0.2, top - 0.25, "mask", ha="right", va="center", fontsize=8, color="grey")
        for t, token in enumerate(ids):
            label = vocabulary[token] if vocabulary is not None and token else str(token)
            _cell(axes, t, top, label, BLUE if token else PALE, "token" if token else "pad", fontsize=8, height=0.7)
            axes.text(t + 0.5, top - 0.25, str(bool(token)), ha="center", va="center", fontsize=7,
                      color="black" if token else "grey", gid=f"mask-{bool(token)}")
    axes.text(-0.2, y, f"LSTM on\nreview {example + 1}", ha="right", va="center", fontsize=9, weight="bold")
    for t, token in enumerate(row):
        label = vocabulary[token] if vocabulary is not None and token else str(token)
        if token:
            _box(axes, t + 0.5, y, "LSTM", BLUE, "update", width=0.62, height=0.45, fontsize=7)
            _arrow(axes, (t + 0.02, y), (t + 0.19, y))
            _arrow(axes, (t + 0.81, y), (t + 0.98, y))
            _arrow(axes, (t + 0.5, y - 0.62), (t + 0.5, y - 0.23))
        else:
            axes.add_patch(Rectangle((t + 0.19, y - 0.62), 0.62, 0.4, fill=False, ls=":", ec=GREY))
            axes.text(t + 0.5, y - 0.42, "skip", ha="center", va="center", fontsize=7, color=GREY)
            _arrow(axes, (t + 0.02, y), (t + 0.98, y), colour=RED, gid="bypass")
        axes.text(t + 0.5, y - 0.7, label, ha="center", va="top", fontsize=7)
        axes.text(t + 1, y + 0.12, f"h{min(t, last) + 1}", ha="center", va="bottom", fontsize=7)
    if last < steps - 1:
        axes.text((last + 1 + steps) / 2, y + 0.45, "masked step: state carried over unchanged",
                  ha="center", va="bottom", fontsize=9, color=RED)
    axes.text(steps + 0.3, y, f"final state\n= h{last + 1}, after\nthe last word", ha="left", va="center", fontsize=8)
    axes.set(xlim=(left, right), ylim=(y - 1.1, 1.0), aspect="equal")
    axes.set_title("Padding (0) and the mask: the LSTM skips masked steps")
    return _finish(figure, axes)


def receptive_view(
    kernel_size: int = 5, dilations: Sequence[int] = (1, 2, 4), convs_per_block: int = 2
) -> list[list[int]]:
    """The positions, relative to one output position, that each layer of the conv stack sees: item
    0 the input tokens, the last the top convolution ([0]); a "same"-padded convolution at dilation
    d looks at `kernel_size` positions d apart. ValueError for a size, dilation or depth below 1."""
    if kernel_size < 1 or convs_per_block < 1 or not dilations or min(dilations) < 1:
        raise ValueError("kernel_size, convs_per_block and each of (at least one) dilations must be 1 or more")
    view, views = {0}, [[0]]
    for dilation in reversed([d for d in dilations for _ in range(convs_per_block)]):
        view = {p + o for p in view for o in _offsets(kernel_size, dilation)}
        views.append(sorted(view))
    return views[::-1]


def draw_receptive_field(
    kernel_size: int = 5, dilations: Sequence[int] = (1, 2, 4), convs_per_block: int = 2
) -> plt.Figure:
    """One row of positions per convolution above the input row, lighting what one output position
    sees (`receptive_view`), with the input span (`builders.receptive_field`) written under it.
    Raises ValueError as `receptive_view` does."""
    views = receptive_view(kernel_size, dilations, convs_per_block)
    span = receptive_field(kernel_size, dilations, convs_per_block)
    low, high = views[0][0] - 3, views[0][-1] + 3
    figure, axes = plt.subplots(figsize=(10, 0.55 * len(views) + 1.8))
    names = ["input tokens"] + [f"block {b + 1}, conv {c + 1} (dilation {d})"
                                for b, d in enumerate(dilations) for c in range(convs_per_block)]
    for layer, (view, name) in enumerate(zip(views, names)):
        seen = set(view)
        for p in range(low, high + 1):
            lit = p in seen
            axes.add_patch(Rectangle((p - 0.4, layer - 0.2), 0.8, 0.4, facecolor=RED if lit else PALE, lw=0,
                                     gid=f"seen-{layer}" if lit else None))
        axes.text(low - 1, layer, name, ha="right", va="center", fontsize=9)
        if layer:
            dilation = dilations[(layer - 1) // convs_per_block]
            for p in view:
                for offset in _offsets(kernel_size, dilation):
                    axes.plot([p, p + offset], [layer - 0.2, layer - 0.8], color=RED, lw=0.4, alpha=0.35)
    axes.annotate("one output position", (0, len(views) - 0.8), (0, len(views) - 0.35), ha="center",
                  fontsize=9, arrowprops=dict(arrowstyle="->"))
    formula = f"1 + {convs_per_block} × ({kernel_size} − 1) × ({' + '.join(map(str, dilations))})"
    axes.annotate("", (views[0][0] - 0.4, -0.45), (views[0][-1] + 0.4, -0.45),
                  arrowprops=dict(arrowstyle="<->", color=RED))
    axes.text(0, -0.6, f"receptive field: {formula} = {span} tokens (residual additions do not widen it)",
              ha="center", va="top", fontsize=10, color=RED, gid="span")
    axes.set(xlim=(low - 0.5 - 0.18 * (high - low), high + 0.5), ylim=(-1.3, len(views) + 0.2))
    axes.set_title("What one position at the top of the conv stack sees")
    return _finish(figure, axes)


def _offsets(kernel_size: int, dilation: int) -> list[int]:
    """Input positions, relative to the output, of a "same"-padded convolution (padding left first)."""
    return [j * dilation - (kernel_size - 1) * dilation // 2 for j in range(kernel_size)]


def _cell(axes, x: float, y: float, text: str, colour, gid: str, fontsize: int = 9, dark: bool = False,
          height: float = 1.0) -> None:
    axes.add_patch(Rectangle((x, y), 1, height, facecolor=colour, edgecolor="black", lw=0.8, gid=gid))
    axes.text(x + 0.5, y + height / 2, text, ha="center", va="center", fontsize=fontsize,
              color="white" if dark else "black")


def _box(axes, x: float, y: float, text: str, colour, gid: str, width: float = 0.6, height: float = 0.5,
         fontsize: int = 10) -> None:
    axes.add_patch(Rectangle((x - width / 2, y - height / 2), width, height, facecolor=colour,
                             edgecolor="black", lw=0.8, gid=gid))
    axes.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(axes, start, end, style: str = "arc3", colour: str = "black", gid: str | None = None) -> None:
    axes.annotate("", end, start, arrowprops=dict(arrowstyle="->", color=colour, lw=1, connectionstyle=style),
                  gid=gid)


def _finish(figure: plt.Figure, axes) -> plt.Figure:
    axes.axis("off")
    figure.tight_layout()
    return figure
