"""The learned fraud score (issue 16; B5, R20): deterministic, versioned, calibrated, explained, and blind to the
label, the id and the dropped columns when scoring; the command line end to end. Small synthetic tables with a
planted signal (a repair shop and the amount), so a second or two per training."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import claimbridge
from claimbridge.cli import main
from claimbridge.fraud.learn import LearnInputError, Model, load, matrix, reasons, score, train

SHOPS = [f"shop{i}" for i in range(8)]


def table(rows: int, seed: int) -> pd.DataFrame:
    """Claims where shop7 and large amounts raise the odds of fraud; `region` and `noise` carry nothing; `leak` is
    the label itself (a column that must be dropped)."""
    rng = np.random.default_rng(seed)
    shop = rng.choice(SHOPS, rows)
    amount = rng.gamma(2.0, 3000.0, rows).round(2)
    logit = -3.2 + 2.6 * (shop == "shop7") + 1.2 * (amount > 9000)
    fraud = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "case": [f"C{seed}-{i:05d}" for i in range(rows)],
        "shop": shop,
        "region": rng.choice(["陇南", "天水"], rows),
        "amount": amount,
        "noise": rng.normal(size=rows),
        "leak": fraud,
        "fraud": fraud,
    })  # fmt: skip


@pytest.fixture(scope="module")
def learned() -> tuple[Model, pd.DataFrame]:
    return train(table(1500, seed=1), label="fraud", id_column="case", drop=("leak",), seed=0), table(1000, seed=2)


def test_b5_training_is_deterministic_and_the_version_names_the_content(learned):
    model, _ = learned
    again = train(table(1500, seed=1), label="fraud", id_column="case", drop=("leak",), seed=0)
    assert again.version == model.version
    assert len(model.version) == 64
    assert again.booster_text == model.booster_text
    made_another_day = {**model.training, "created_at": "2026-01-01T00:00:00+00:00"}
    assert Model(model.features, model.booster_text, model.calibration, made_another_day).version == model.version
    changed = {**model.training, "rows": 1501}
    assert Model(model.features, model.booster_text, model.calibration, changed).version != model.version
    other = train(table(1500, seed=1), label="fraud", id_column="case", drop=("leak",), seed=1)
    assert other.version != model.version  # another seed, other trees
    assert model.training["rows"] == 1500
    assert model.training["positives"] == int(table(1500, seed=1)["fraud"].sum())
    assert model.training["label"] == "fraud"
    assert model.training["id_column"] == "case"
    assert model.training["dropped"] == ["leak"]
    assert {"lightgbm", "pandas", "numpy", "scikit-learn"} <= set(model.training["libraries"])
    assert model.calibration["method"] == "platt"
    assert [f.name for f in model.features] == ["shop", "region", "amount", "noise"]
    assert [f.kind for f in model.features] == ["category", "category", "number", "number"]
    assert model.features[0].categories == tuple(SHOPS)


def test_b5_save_and_load_score_identically_and_an_altered_file_is_refused(learned, tmp_path):
    model, held_out = learned
    path = tmp_path / "model.json"
    model.save(path)
    loaded = load(path)
    assert loaded.version == model.version
    assert np.array_equal(score(loaded, held_out), score(model, held_out))
    assert reasons(loaded, held_out.head(5)) == reasons(model, held_out.head(5))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["calibration"]["slope"] *= 2
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(LearnInputError) as refused:
        load(path)
    assert refused.value.code == "bad_model"


def test_r20_the_planted_signal_is_learned_and_the_scores_are_calibrated(learned):
    model, held_out = learned
    scores = score(model, held_out)
    assert scores.shape == (1000,)
    assert ((scores > 0) & (scores < 1)).all()
    assert roc_auc_score(held_out["fraud"], scores) > 0.75
    assert abs(scores.mean() - held_out["fraud"].mean()) < 0.03  # calibrated: as many frauds expected as found


def test_r20_a_shuffled_label_teaches_nothing():
    shuffled = table(1500, seed=1)
    shuffled["fraud"] = np.random.default_rng(9).permutation(shuffled["fraud"].to_numpy())
    model = train(shuffled, label="fraud", id_column="case", drop=("leak",))
    held_out = table(1000, seed=2)
    assert abs(roc_auc_score(held_out["fraud"], score(model, held_out)) - 0.5) < 0.1


def test_b5_the_label_the_id_and_dropped_columns_are_not_read_when_scoring(learned):
    model, held_out = learned
    expected = score(model, held_out)
    blind = held_out.drop(columns=["fraud", "leak", "case"])
    assert np.array_equal(score(model, blind), expected)
    changed = held_out.assign(fraud=1 - held_out["fraud"], leak=7, case="x")
    assert np.array_equal(score(model, changed), expected)
    assert np.array_equal(score(model, blind[["noise", "amount", "region", "shop"]]), expected)  # order is free


def test_b5_an_unseen_category_is_missing_not_an_error(learned):
    model, held_out = learned
    row = held_out.head(1)
    unseen = score(model, row.assign(shop="a shop opened last week"))
    missing = score(model, row.assign(shop=None))
    assert np.isfinite(unseen).all()
    assert np.array_equal(unseen, missing)
    assert not np.array_equal(unseen, score(model, row.assign(shop="shop7")))
    shops = matrix(model.features, held_out.head(3).assign(shop=["shop7", "a new shop", None]))[:, 0]
    assert shops[0] == SHOPS.index("shop7")
    assert np.isnan(shops[1:]).all()  # what LightGBM reads as missing, never the code of another shop


def test_r20_reasons_name_the_planted_feature_with_the_case_value(learned):
    model, held_out = learned
    suspects = held_out[held_out["shop"] == "shop7"].head(20)
    for row in reasons(model, suspects, top=3):
        assert len(row) <= 3
        assert row[0].feature == "shop"
        assert row[0].value == "shop7"
        assert row[0].contribution > 0
    quiet = reasons(model, held_out[(held_out["shop"] != "shop7") & (held_out["amount"] < 3000)].head(20), top=4)
    pushes = {
        name: np.mean([r.contribution for row in quiet for r in row if r.feature == name])
        for name in ("shop", "amount")
    }
    assert pushes["shop"] < 0  # another shop and a small amount: away from fraud
    assert pushes["amount"] < 0
    assert reasons(model, held_out.head(1), top=1)[0][0].as_dict().keys() == {"feature", "value", "contribution"}


def test_b5_training_refuses_a_table_it_cannot_learn_from():
    claims = table(200, seed=3)
    with pytest.raises(LearnInputError) as unknown:
        train(claims, label="fraud", id_column="case", drop=("nope",))
    assert (unknown.value.code, unknown.value.field) == ("unknown_column", "nope")
    with pytest.raises(LearnInputError) as not_binary:
        train(claims.assign(fraud=claims["fraud"] * 2), label="fraud", id_column="case")
    assert not_binary.value.code == "label_not_binary"
    with pytest.raises(LearnInputError) as one_class:
        train(claims.assign(fraud=0), label="fraud", id_column="case")
    assert one_class.value.code == "too_few_outcomes"


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(["fraud", *args])
    captured = capsys.readouterr()
    return int(ended.value.code or 0), captured.out, captured.err


def test_r20_the_command_line_trains_then_scores_without_django(tmp_path, capsys):
    training, cases, model = tmp_path / "train.csv", tmp_path / "cases.csv", tmp_path / "model.json"
    table(1500, seed=1).to_csv(training, index=False)
    held_out = table(300, seed=2)
    held_out.to_csv(cases, index=False)
    status, out, _ = run_cli(["train", "--data", str(training), "--label", "fraud", "--id", "case",
                              "--model", str(model), "--drop", "leak"], capsys)  # fmt: skip
    assert status == 0
    summary = json.loads(out)
    assert summary["rows"] == 1500
    assert summary["positives"] == int(table(1500, seed=1)["fraud"].sum())
    assert summary["version"] == load(model).version
    assert summary["dropped"] == ["leak"]
    status, out, _ = run_cli(["score", "--model", str(model), "--data", str(cases), "--id", "case"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "id,score"
    assert [line.split(",")[0] for line in lines[1:]] == held_out["case"].tolist()
    written = np.array([float(line.split(",")[1]) for line in lines[1:]])
    assert np.allclose(written, score(load(model), held_out), atol=1e-6)
    held_out.drop(columns=["fraud", "leak"]).to_csv(cases, index=False)  # cases to come carry no outcome
    assert run_cli(["score", "--model", str(model), "--data", str(cases), "--id", "case"], capsys)[1] == out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["train", "--data", "{missing}", "--label", "fraud", "--id", "case", "--model", "{model}"], "file_not_found"),
        (["train", "--data", "{csv}", "--label", "outcome", "--id", "case", "--model", "{model}"], "unknown_column"),
        (["train", "--data", "{csv}", "--label", "amount", "--id", "case", "--model", "{model}"], "label_not_binary"),
        (["train", "--data", "{csv}", "--label", "fraud", "--id", "case"], "bad_arguments"),
        (["score", "--model", "{missing}", "--data", "{csv}", "--id", "case"], "file_not_found"),
        (["score", "--model", "{csv}", "--data", "{csv}", "--id", "case"], "bad_model"),
        (["rings"], "bad_arguments"),
    ],
)
def test_b5_bad_input_exits_2_with_a_bilingual_message(tmp_path, capsys, args, code):
    csv = tmp_path / "claims.csv"
    table(100, seed=4).to_csv(csv, index=False)
    paths = {"missing": str(tmp_path / "nothing.csv"), "csv": str(csv), "model": str(tmp_path / "m.json")}
    status, out, err = run_cli([arg.format(**paths) for arg in args], capsys)
    assert (status, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["code"] == code
    assert error["zh"]
    assert error["en"]
    assert error["zh"] != error["en"]
    assert "Traceback" not in err


def test_b5_scoring_names_an_unknown_id_or_a_missing_feature(learned, tmp_path, capsys):
    model, held_out = learned
    path, cases = tmp_path / "model.json", tmp_path / "cases.csv"
    model.save(path)
    held_out.to_csv(cases, index=False)
    status, _, err = run_cli(["score", "--model", str(path), "--data", str(cases), "--id", "claim_no"], capsys)
    assert (status, json.loads(err)["error"]["field"]) == (2, "claim_no")
    held_out.drop(columns=["amount"]).to_csv(cases, index=False)
    status, _, err = run_cli(["score", "--model", str(path), "--data", str(cases), "--id", "case"], capsys)
    assert (status, json.loads(err)["error"]["field"]) == (2, "amount")


def test_b5_the_kernel_imports_no_django():
    code = "import sys, claimbridge.cli, claimbridge.fraud.cli, claimbridge.fraud.learn; print('django' in sys.modules)"
    source = str(Path(claimbridge.__file__).resolve().parents[1])  # this checkout's code, not an installed copy
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "", "PYTHONPATH": source})  # fmt: skip
    assert ran.stdout.strip() == "False"
