"""The comparison chart of notebook 08, drawn from records built by the test."""

from __future__ import annotations

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.plots import plot_accuracy_against_time  # noqa: E402
from helpers.results import RunRecord, accuracy_interval  # noqa: E402


def a_record(model: str, accuracy: float, test_reviews: int) -> RunRecord:
    return RunRecord(
        model=model, profile="quick", params_total=10, params_trainable=10, test_accuracy=accuracy,
        test_loss=0.4, best_epoch=1, history={}, seconds_per_epoch=[12.0], device="CPU (2 cores)",
        recorded_at="2026-01-01T00:00:00+00:00", checkpoint="x.keras", test_reviews=test_reviews,
    )


def test_accuracy_against_time_has_one_point_per_model_with_its_interval():
    runs = {
        "masking": a_record("masking", 0.82, 2000),
        "bag_of_bigrams": replace(a_record("bag_of_bigrams", 0.86, 2000), seconds_per_epoch=[1.5, 1.7]),
    }
    axes = plot_accuracy_against_time(runs).axes[0]
    assert axes.get_xscale() == "log"
    points = {text.get_text(): text.xy for text in axes.texts}
    assert points == {"Embeddings + masking": (12.0, 0.82), "Bag of bigrams": (pytest.approx(1.6), 0.86)}
    bars = [np.asarray(collection.get_segments()[0]) for collection in axes.collections]
    low, high = accuracy_interval(0.86, 2000)
    assert any(np.allclose(bar[:, 1], [low, high]) for bar in bars)
