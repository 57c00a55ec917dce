"""The instructor's regression check and the reference table, against small reference files that each test writes."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from helpers.instructor import run_log
from helpers.instructor.regression import RegressionFailed, check_results, write_reference
from helpers.reference import load_reference, reference_table
from helpers.config import PROFILES
from helpers.results import RunRecord, record_run
from helpers.instructor.run_log import record_notebook_run

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


def a_full_record(model: str, accuracy: float) -> RunRecord:
    return replace(a_record(model, accuracy), test_reviews=25000, best_epoch=3, seconds_per_epoch=[400.0, 420.0, 410.0])


def test_a_recorded_reference_keeps_intervals_epochs_costs_and_environment(tmp_path):
    record_run(a_full_record("masking", 0.87))
    record_notebook_run("04_masking", "smoke", 75.4, 5 * 2**30)
    reference = load_reference("smoke", write_reference("smoke", 0.01, "one run", tmp_path / "smoke.json"))
    assert reference.models["masking"] == {
        "params_total": 1000, "params_trainable": 1000, "test_accuracy": 0.87, "test_reviews": 25000,
        "best_epoch": 3, "epochs": 3, "seconds_per_epoch": 410.0,
        "recorded_at": "2026-01-01T00:00:00+00:00", "device": "CPU (2 cores)",
    }
    assert reference.notebooks["04_masking"]["minutes"] == 75.4
    assert reference.notebooks["04_masking"]["peak_memory_gib"] == 5.0
    assert reference.environment["keras"].startswith("3.")


def test_notebooks_run_in_different_environments_each_keep_theirs(tmp_path, monkeypatch):
    """A reference run split over sessions may land on different machines: each notebook says where it ran."""
    record_run(a_record("masking", 0.87))
    record_notebook_run("03_learned_embeddings", "smoke", 50.0, None)
    monkeypatch.setattr(run_log, "environment", lambda: {"python": "3.12.0"})
    record_notebook_run("04_masking", "smoke", 75.0, None)
    reference = load_reference("smoke", write_reference("smoke", 0.01, "one run", tmp_path / "smoke.json"))
    assert reference.environment == {}
    assert reference.notebooks["04_masking"]["environment"] == {"python": "3.12.0"}
    assert reference.notebooks["03_learned_embeddings"]["environment"]["keras"].startswith("3.")


def test_a_resumed_training_and_its_notebook_are_marked_in_the_reference(tmp_path):
    record_run(replace(a_full_record("masking", 0.87), resumed_after_epoch=6))
    record_run(a_full_record("embeddings", 0.86))
    record_notebook_run("03_learned_embeddings", "smoke", 50.0, None)
    record_notebook_run("04_padding_and_masking", "smoke", 27.0, 5 * 2**30)
    reference = load_reference("smoke", write_reference("smoke", 0.01, "one run", tmp_path / "smoke.json"))
    assert reference.models["masking"]["resumed_after_epoch"] == 6
    assert "resumed_after_epoch" not in reference.models["embeddings"]
    assert reference.notebooks["04_padding_and_masking"]["resumed"] is True
    assert "resumed" not in reference.notebooks["03_learned_embeddings"]


def test_the_reference_table_shows_intervals_and_the_textbook_beside_the_learners_run(tmp_path):
    record_run(a_full_record("masking", 0.87))
    record_notebook_run("04_masking", "smoke", 75.4, 5 * 2**30)
    reference = load_reference("smoke", write_reference("smoke", 0.01, "one run", tmp_path / "smoke.json"))
    learner = {"masking": a_record("masking", 0.81), "embeddings": a_record("embeddings", 0.79)}
    lines = reference_table(reference, learner, "quick").splitlines()
    assert lines[0] == ("Reference run of the 'smoke' profile, 2026-01-01, on CPU (2 cores) "
                        "(how it ran: data/reference/README.md)")
    rows = {line.split("  ")[0]: line.split("  ")[1:] for line in lines[4:]}
    cells = {title: [cell.strip() for cell in row if cell.strip()] for title, row in rows.items()}
    assert cells["Embeddings + masking"] == ["0.870 (0.866–0.874)", "0.88", "3 of 3", "410", "0.810"]
    assert cells["Learned embeddings"] == ["not in the reference yet", "0.87", "0.790"]
    assert cells["Bag of words"] == ["not in the reference yet", "0.892", "not run yet"]
    assert cells["Separable-conv stack"] == ["not in the reference yet", "–", "not run yet"]


def test_a_tolerance_outside_zero_to_one_or_an_empty_basis_is_refused_before_writing(tmp_path):
    record_run(a_record("embeddings", 0.8))
    with pytest.raises(ValueError, match="from 0 to 1 .such as 0.01., not -0.01"):
        write_reference("smoke", -0.01, "one run", tmp_path / "smoke.json")
    with pytest.raises(ValueError, match="say what the tolerance was derived from"):
        write_reference("smoke", 0.01, " ", tmp_path / "smoke.json")
    assert not (tmp_path / "smoke.json").exists()


def test_the_reference_functions_take_a_profile_or_its_name(reference):
    record_run(a_record("embeddings", 0.80))
    record_run(a_record("masking", 0.80))
    assert load_reference(PROFILES["smoke"], reference) == load_reference("smoke", reference)
    assert "all 6 checks passed" in check_results(PROFILES["smoke"], reference)
    assert "your run (smoke)" in reference_table(load_reference("smoke", reference), {}, PROFILES["smoke"])
