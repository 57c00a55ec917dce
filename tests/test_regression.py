"""The instructor's regression check, against small reference files that each test writes."""

from __future__ import annotations

import json

import pytest

from helpers.regression import RegressionFailed, check_results, load_reference, write_reference
from helpers.results import RunRecord, record_run

pytestmark = pytest.mark.usefixtures("isolated_data_dir")


def a_record(model: str, accuracy: float, params: int = 1000) -> RunRecord:
    return RunRecord(
        model=model, profile="smoke", params_total=params, params_trainable=params, test_accuracy=accuracy,
        test_loss=0.5, best_epoch=1, history={"val_loss": [0.5]}, seconds_per_epoch=[1.0],
        device="CPU (2 cores)", recorded_at="2026-01-01T00:00:00+00:00", checkpoint="x.keras",
    )


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "reference" / "smoke.json"
    path.parent.mkdir()
    path.write_text(json.dumps({
        "profile": "smoke", "tolerance": 0.02, "tolerance_basis": "made up for this test",
        "models": {
            "embeddings": {"params_total": 1000, "params_trainable": 1000, "test_accuracy": 0.80},
            "masking": {"params_total": 1000, "params_trainable": 1000, "test_accuracy": 0.80, "tolerance": 0.05},
        },
    }))
    return path


def test_results_within_the_tolerance_pass(reference):
    record_run(a_record("embeddings", 0.815))
    record_run(a_record("masking", 0.76))
    assert "all 6 checks passed" in check_results("smoke", reference)


def test_accuracy_outside_the_tolerance_fails_with_a_table(reference):
    record_run(a_record("embeddings", 0.77))
    record_run(a_record("masking", 0.76))
    with pytest.raises(RegressionFailed) as failed:
        check_results("smoke", reference)
    table = str(failed.value)
    assert "1 of 6 checks FAILED" in table
    assert [line.split()[:2] + line.split()[-2:] for line in table.splitlines() if "FAIL " in line] == [
        ["embeddings", "test_accuracy", "-0.030", "(±0.020)"]
    ]


def test_parameter_count_that_differs_fails(reference):
    record_run(a_record("embeddings", 0.80, params=1001))
    record_run(a_record("masking", 0.80))
    with pytest.raises(RegressionFailed, match=r"embeddings\s+params_total\s+1,000\s+1,001\s+FAIL"):
        check_results("smoke", reference)


def test_model_without_a_run_fails(reference):
    record_run(a_record("embeddings", 0.80))
    with pytest.raises(RegressionFailed, match=r"masking\s+run\s+recorded\s+missing\s+FAIL"):
        check_results("smoke", reference)


def test_malformed_reference_is_named(reference):
    content = json.loads(reference.read_text())
    del content["models"]["masking"]["test_accuracy"]
    reference.write_text(json.dumps(content))
    with pytest.raises(ValueError, match=r"smoke.json is malformed .*models.masking.test_accuracy"):
        load_reference("smoke", reference)


def test_reference_of_another_profile_is_refused(reference):
    with pytest.raises(ValueError, match="for the 'smoke' profile, not 'quick'"):
        load_reference("quick", reference)


def test_recorded_reference_passes_its_own_check_even_with_no_tolerance(tmp_path):
    record_run(a_record("embeddings", 0.5099999904632568))  # 0.51 as a float32 accuracy comes back
    path = write_reference("smoke", 0.0, "made up for this test", tmp_path / "smoke.json")
    assert load_reference("smoke", path).tolerance == 0.0
    assert "all 3 checks passed" in check_results("smoke", path)
