"""A learned fraud score (issue 16; B5, R20, R11): gradient-boosted trees on any labelled table, calibrated, versioned,
with the reasons of each score. Pure: numpy, pandas, LightGBM and scikit-learn; no Django.

`train(frame, label=…, id_column=…)` learns from a table with one 0/1 label column; every other column not dropped is
a feature. Numbers stay numbers; any other column (text, a code) is a category, whose list of values is fixed at
training and kept in the model: a value training never saw is *missing* when scoring, never an error and never a
new code. LightGBM splits categories by itself (no one-hot, no manual encoding) and learns where missing values go.

The probability is **Platt-calibrated** on out-of-fold margins: the booster's raw scores of each training row by a
model that did not see it (stratified folds), fitted to the labels by a two-parameter logistic curve with Platt's
smoothed targets. Platt rather than isotonic: the platform's confirmed outcomes are few at first and two parameters
are all a few dozen positives can hold up (isotonic needs hundreds and returns steps, i.e. ties); the curve is
monotonic, so ranking figures (ROC-AUC, PR-AUC) are the booster's own, and the per-case reasons stay additive on the
calibrated log-odds (each SHAP contribution times the slope).

A model is one JSON file; its `version` is the SHA-256 of its content without the time it was made, so the same
table, options and libraries give the same version, and a score can always name the model that gave it.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

FORMAT = "claimbridge-fraud-model/1"
CALIBRATION_FOLDS = 5
THREADS = 1  # one thread: the same trees on every machine, and no OpenMP spinning on a shared 2-core host

# Fixed, for small imbalanced tables (a few thousand to tens of thousands of rows, a few per cent positive); chosen on
# the 1994–1995 rows of the public vehicle-claims table only, with folds grouped by calendar week and a forward check
# 1994 → 1995 (decision 0019): shallow trees (7 leaves), 40 rows a leaf, a slow rate, row and column sampling.
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.02,
    "num_iterations": 400,
    "num_leaves": 7,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "max_cat_to_onehot": 16,
    "cat_smooth": 10.0,
    "min_data_per_group": 100,
    "verbosity": -1,
}


class LearnInputError(ValueError):
    """The table or the model cannot be used; `code` for machines, `zh`/`en` for people, `field` the column."""

    def __init__(self, code: str, zh: str, en: str, *, field: str = "") -> None:
        self.code, self.zh, self.en, self.field = code, zh, en, field
        super().__init__(en)

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "field": self.field, "zh": self.zh, "en": self.en}}


@dataclass(frozen=True)
class Feature:
    """One input of the model: `number`, or `category` with the values training saw (their order is the code)."""

    name: str
    kind: str
    categories: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.kind == "category":
            document["categories"] = list(self.categories)
        return document


@dataclass(frozen=True)
class Reason:
    """Why a score is what it is: a feature, the case's value of it and its push on the calibrated log-odds
    (positive: towards fraud)."""

    feature: str
    value: Any
    contribution: float

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "value": self.value, "contribution": self.contribution}


@dataclass
class Model:
    features: tuple[Feature, ...]
    booster_text: str
    calibration: dict[str, Any]
    training: dict[str, Any]
    version: str = ""
    _booster: lgb.Booster | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.version:
            self.version = _version(self.content())

    def content(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": [feature.as_dict() for feature in self.features],
            "calibration": self.calibration,
            "training": self.training,
            "booster": self.booster_text,
        }

    @property
    def booster(self) -> lgb.Booster:
        if self._booster is None:
            self._booster = lgb.Booster(model_str=self.booster_text)
        return self._booster

    def text(self) -> str:
        """The model file: JSON, the version first (what `save` writes and the platform keeps)."""
        return json.dumps({"version": self.version, **self.content()}, ensure_ascii=False, indent=1) + "\n"

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.text(), encoding="utf-8")

    @classmethod
    def from_text(cls, text: str, *, source: str = "") -> Model:
        """A model from the text `text()` wrote; refused when it is not one or when its content no longer matches
        its version (an edited file)."""
        where = f"“{source}”" if source else "the model"
        where_zh = f"模型文件“{source}”" if source else "模型"
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise LearnInputError(
                "bad_model", f"无法读取{where_zh}：{error}", f"cannot read {where}: {error}"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise LearnInputError("bad_model", f"{where_zh}不是欺诈评分模型", f"{where} is not a fraud-score model")
        try:
            model = cls(
                features=tuple(
                    Feature(f["name"], f["kind"], tuple(f.get("categories", ()))) for f in document["features"]
                ),
                booster_text=document["booster"],
                calibration=document["calibration"],
                training=document["training"],
            )
        except (KeyError, TypeError) as error:
            raise LearnInputError(
                "bad_model", f"{where_zh}不完整：缺少 {error}", f"{where} is incomplete: no {error}"
            ) from None
        if model.version != document.get("version"):
            raise LearnInputError("bad_model", f"{where_zh}的内容与其版本号不符（已被改动）",
                                  f"the content of {where} does not match its version (it was altered)")  # fmt: skip
        return model

    @classmethod
    def load(cls, path: str | Path) -> Model:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LearnInputError("file_not_found", f"找不到模型文件“{path}”", f"no model file “{path}”",
                                  field="--model") from None  # fmt: skip
        except (OSError, UnicodeDecodeError) as error:
            raise LearnInputError("bad_model", f"无法读取模型文件“{path}”：{error}",
                                  f"cannot read the model file “{path}”: {error}", field="--model") from None  # fmt: skip
        return cls.from_text(text, source=str(path))


def load(path: str | Path) -> Model:
    return Model.load(path)


def _version(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the content, the creation time left out: a model is what it scores."""
    hashed = {**content, "training": {k: v for k, v in content["training"].items() if k != "created_at"}}
    canonical = json.dumps(hashed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        names = "、".join(missing)
        raise LearnInputError("unknown_column", f"表中没有列：{names}",
                              f"no such column in the table: {', '.join(missing)}", field=missing[0])  # fmt: skip


def _labels(frame: pd.DataFrame, label: str) -> np.ndarray:
    values = pd.to_numeric(frame[label], errors="coerce")
    if values.isna().any() or not values.isin((0, 1)).all():
        raise LearnInputError("label_not_binary", f"标签列“{label}”的每一行都必须是 0 或 1",
                              f"every row of the label column “{label}” must be 0 or 1", field=label)  # fmt: skip
    return values.to_numpy(dtype=np.int64)


def _is_number(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _category_text(series: pd.Series) -> pd.Series:
    """A category's values as text (a code read as 7 in one file and "7" in another is one value); missing stays."""
    return series.map(lambda value: value if isinstance(value, str) else (None if pd.isna(value) else str(value)))


def matrix(features: Sequence[Feature], frame: pd.DataFrame) -> np.ndarray:
    """The numbers LightGBM reads: a number as it is, a category as its position in the training list (NaN when
    missing or unseen). Columns not among the features (the label, the id, dropped ones) are never read."""
    require_columns(frame, [feature.name for feature in features])
    numbers_read = np.empty((len(frame), len(features)), dtype=np.float64)
    for j, feature in enumerate(features):
        column = frame[feature.name]
        if feature.kind == "number":
            numbers = pd.to_numeric(column, errors="coerce")
            bad = numbers.isna() & column.notna()
            if bad.any():
                example = column[bad].iloc[0]
                raise LearnInputError("not_a_number", f"列“{feature.name}”应为数字，却有“{example}”",
                                      f"column “{feature.name}” should hold numbers, not “{example}”",
                                      field=feature.name)  # fmt: skip
            numbers_read[:, j] = numbers.to_numpy(dtype=np.float64)
        else:
            codes = pd.Index(feature.categories, dtype=object).get_indexer(_category_text(column).astype(object))
            numbers_read[:, j] = np.where(codes < 0, np.nan, codes)  # -1: missing, or a value training never saw
    return numbers_read


def _features(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[Feature, ...]:
    features = []
    for name in columns:
        column = frame[name]
        if _is_number(column):
            features.append(Feature(name, "number"))
        else:
            values = _category_text(column).dropna().unique()
            features.append(Feature(name, "category", tuple(sorted(str(value) for value in values))))
    return tuple(features)


def _booster(params: dict[str, Any], table: np.ndarray, labels: np.ndarray, categorical: list[int]) -> lgb.Booster:
    dataset = lgb.Dataset(table, labels, feature_name=[f"f{j}" for j in range(table.shape[1])],
                          categorical_feature=categorical, free_raw_data=True)  # fmt: skip
    return lgb.train(params, dataset)


def _platt(margins: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt (1999), with the Newton steps and line search of Lin, Lin & Weng (2007): slope a and intercept b of
    p = σ(a·m + b), fitted to the smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2), which keep a few positives from being
    read as certainties. A convex problem in two unknowns: a few steps, the same answer every time."""
    positives = float(labels.sum())
    negatives = float(len(labels) - positives)
    targets = np.where(labels == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))

    def loss(a: float, b: float) -> float:
        z = a * margins + b
        return float(np.sum(np.logaddexp(0, z) - targets * z))

    a, b = 0.0, math.log((positives + 1) / (negatives + 1))  # from the prior odds
    current = loss(a, b)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(a * margins + b)))
        gradient = np.array([np.sum((p - targets) * margins), np.sum(p - targets)])
        if np.max(np.abs(gradient)) < 1e-10 * len(labels):
            break
        w = p * (1 - p)
        hessian = np.array([[np.sum(w * margins * margins), np.sum(w * margins)], [np.sum(w * margins), np.sum(w)]])
        step = np.linalg.solve(hessian + 1e-12 * np.eye(2), gradient)
        scale = 1.0
        while True:  # halve the step until the loss does not rise
            a_next, b_next = a - scale * float(step[0]), b - scale * float(step[1])
            new = loss(a_next, b_next)
            if new <= current or scale < 1e-10:
                break
            scale /= 2
        if new > current:
            break
        a, b, gain, current = a_next, b_next, current - new, new
        if gain < 1e-12 * len(labels):
            break
    return a, b


def _minimums(rows: int) -> dict[str, int]:
    """The rows a leaf and a category's group need: PARAMS' 40 and 100 from 2,000 rows up, less for a smaller table
    (the platform's first confirmed outcomes are a few dozen), so that it can split at all; never under 5 and 10."""
    return {"min_data_in_leaf": max(5, min(PARAMS["min_data_in_leaf"], rows // 50)),
            "min_data_per_group": max(10, min(PARAMS["min_data_per_group"], rows // 20))}  # fmt: skip


def train(frame: pd.DataFrame, *, label: str, id_column: str | None = None, drop: Sequence[str] = (), seed: int = 0,
          params: dict[str, Any] | None = None) -> Model:  # fmt: skip
    """A calibrated model of `label` (0/1) from every other column of `frame` but `id_column` and `drop`."""
    excluded = [label, *([id_column] if id_column else []), *drop]
    require_columns(frame, excluded)
    labels = _labels(frame, label)
    positives = int(labels.sum())
    folds = min(CALIBRATION_FOLDS, positives, len(labels) - positives)
    if folds < 2:
        raise LearnInputError("too_few_outcomes", f"标签列“{label}”中 0 和 1 至少各需两行",
                              f"the label column “{label}” needs at least two rows of each of 0 and 1", field=label)  # fmt: skip
    columns = [str(column) for column in frame.columns if column not in set(excluded)]
    if not columns:
        raise LearnInputError("no_features", "除标签、编号和排除的列外没有可用的列",
                              "no column is left once the label, the id and the dropped columns are set aside")  # fmt: skip
    features = _features(frame, columns)
    table = matrix(features, frame)
    categorical = [j for j, feature in enumerate(features) if feature.kind == "category"]
    chosen = {**PARAMS, **_minimums(len(labels)), **(params or {}), "seed": seed, "deterministic": True,
              "force_col_wise": True, "num_threads": THREADS}  # fmt: skip

    from sklearn.model_selection import StratifiedKFold

    margins = np.empty(len(labels))
    for inner, held in StratifiedKFold(folds, shuffle=True, random_state=seed).split(table, labels):
        fold = _booster(chosen, table[inner], labels[inner], categorical)
        margins[held] = fold.predict(table[held], raw_score=True)
    slope, intercept = _platt(margins, labels)
    booster = _booster(chosen, table, labels, categorical)

    import sklearn

    training = {
        "rows": len(labels),
        "positives": positives,
        "label": label,
        "id_column": id_column,
        "dropped": list(drop),
        "seed": seed,
        "params": chosen,
        "libraries": {
            "lightgbm": lgb.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    calibration = {"method": "platt", "slope": slope, "intercept": intercept, "folds": folds}
    text = booster.model_to_string()
    return Model(features=features, booster_text=text, calibration=calibration, training=training, _booster=booster)


def _calibrated(model: Model, margins: np.ndarray) -> np.ndarray:
    z = model.calibration["slope"] * margins + model.calibration["intercept"]
    return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)


def score(model: Model, frame: pd.DataFrame) -> np.ndarray:
    """The calibrated probability of each row (the label column, if present, and any other column are not read)."""
    if len(frame) == 0:
        return np.empty(0)
    margins = model.booster.predict(matrix(model.features, frame), raw_score=True)
    return _calibrated(model, np.asarray(margins, dtype=np.float64))


def _shown(value: Any) -> Any:
    """A row's value as JSON can carry it: missing as None, numpy numbers as Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def reasons(model: Model, frame: pd.DataFrame, top: int = 3) -> list[list[Reason]]:
    """For each row, the `top` features that moved its score most (SHAP, LightGBM's `pred_contrib`), largest push
    first whatever its sign, in calibrated log-odds (the booster's contribution times the calibration's slope)."""
    if len(frame) == 0:
        return []
    contributions = np.asarray(model.booster.predict(matrix(model.features, frame), pred_contrib=True))
    contributions = contributions[:, :-1] * model.calibration["slope"]  # the last column is the expected value
    names = [feature.name for feature in model.features]
    rows: list[list[Reason]] = []
    for i in range(len(frame)):
        order = np.argsort(-np.abs(contributions[i]), kind="stable")[:top]
        rows.append([
            Reason(names[j], _shown(frame[names[j]].iloc[i]), round(float(contributions[i, j]), 6))
            for j in order if contributions[i, j] != 0
        ])  # fmt: skip
    return rows
