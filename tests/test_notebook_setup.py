"""The setup report and the time estimates, read from the model catalogue."""

from __future__ import annotations

import keras
import pytest

from helpers import notebook_setup
from helpers.catalogue import COURSE_MODELS, course_model
from helpers.config import PROFILES
from helpers.reference import load_reference


def test_estimates_scale_the_reference_runs_seconds_per_epoch_to_the_profile():
    quick, full = (load_reference(name).models["masking"]["seconds_per_epoch"] for name in ("quick", "full"))
    assert notebook_setup.estimate_cpu_seconds(PROFILES["full"], "masking") == pytest.approx(10 * full)
    assert notebook_setup.estimate_cpu_seconds(PROFILES["quick"], "masking") == pytest.approx(6 * quick)
    # smoke: 300 reviews of 100 tokens for 2 epochs, scaled from quick's 6,000 reviews of 200 tokens
    assert notebook_setup.estimate_cpu_seconds(PROFILES["smoke"], "masking") == pytest.approx(2 * quick * 300 / 6000 * 100 / 200)


def test_on_a_gpu_no_cpu_estimate_is_given(monkeypatch, capsys):
    monkeypatch.setattr(notebook_setup, "has_gpu", lambda: True)
    monkeypatch.setattr(notebook_setup, "describe_device", lambda: "GPU (NVIDIA H100)")
    notebook_setup.warn_if_slow(PROFILES["full"], "one_hot")
    notebook_setup.report_setup(PROFILES["full"])
    shown = capsys.readouterr().out
    assert "Training on GPU (NVIDIA H100)." in shown
    assert "estimate" not in shown.lower() and "2-core" not in shown


def test_on_a_cpu_a_long_training_says_what_to_do(monkeypatch, capsys):
    monkeypatch.setattr(notebook_setup, "has_gpu", lambda: False)
    notebook_setup.warn_if_slow(PROFILES["full"], "masking")
    expected = notebook_setup._duration(notebook_setup.estimate_cpu_seconds(PROFILES["full"], "masking"))
    assert f"takes {expected} on a 2-core CPU (measured with TensorFlow). Use a GPU" in capsys.readouterr().out
    notebook_setup.report_setup(PROFILES["quick"])
    shown = capsys.readouterr().out
    assert "No GPU: training times at most, measured on a 2-core CPU with TensorFlow" in shown
    assert "Keras 3." in shown and "TensorFlow 2." in shown
    assert f"(backend: {keras.backend.backend()})" in shown
    assert all(model.key in shown for model in COURSE_MODELS)


def test_on_a_cpu_a_short_training_gives_its_estimate_as_measured_on_a_cpu(monkeypatch, capsys):
    monkeypatch.setattr(notebook_setup, "has_gpu", lambda: False)
    notebook_setup.warn_if_slow(PROFILES["quick"], "masking")
    expected = notebook_setup._duration(notebook_setup.estimate_cpu_seconds(PROFILES["quick"], "masking"))
    assert capsys.readouterr().out == (
        f"Estimated training time on a CPU, from times measured on 2 cores with TensorFlow: {expected} at most.\n")


def test_unknown_model_key_lists_the_known_ones():
    with pytest.raises(KeyError, match="choose one of one_hot, embeddings, masking, glove"):
        course_model("lstm")


def test_the_setup_functions_take_a_profile_by_its_name_too(monkeypatch, capsys):
    monkeypatch.setattr(notebook_setup, "has_gpu", lambda: False)
    assert notebook_setup.estimate_cpu_seconds("quick", "masking") == notebook_setup.estimate_cpu_seconds(
        PROFILES["quick"], "masking")
    notebook_setup.report_setup("quick")
    assert capsys.readouterr().out.startswith("Profile: quick (")
    with pytest.raises(TypeError, match="or a profile's name"):
        notebook_setup.warn_if_slow(6, "masking")


def test_the_device_is_the_one_the_keras_backend_trains_on(monkeypatch):
    """On JAX the report asks JAX, which may see a GPU that TensorFlow (the data pipeline's) does not."""
    if keras.backend.backend() != "jax":
        monkeypatch.setattr(notebook_setup.tf.config, "list_physical_devices", lambda kind: [])
        assert notebook_setup.describe_device().startswith("CPU (") and not notebook_setup.has_gpu()
        return
    import jax

    gpu = type("Device", (), {"platform": "gpu", "device_kind": "NVIDIA H200"})()
    monkeypatch.setattr(jax, "devices", lambda: [gpu])
    assert notebook_setup.describe_device() == "GPU (NVIDIA H200)" and notebook_setup.has_gpu()
