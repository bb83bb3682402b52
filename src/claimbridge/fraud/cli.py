"""`claimbridge fraud …`, without starting Django (issue 16; B5, R20).

    claimbridge fraud train --data FILE.csv --label COLUMN --id COLUMN --model OUT.json [--drop COLUMN ...]
    claimbridge fraud score --model OUT.json --data FILE.csv --id COLUMN
    claimbridge fraud rings FILE.jsonl [--max-degree N]

`rings` reads JSON lines `{"case": ID, "entities": [{"kind": K, "value": V}, …]}` ("-": standard input) and prints
`{"rings": [[case ids…], …]}`: the connected groups of at least 3 cases, entities of more than `--max-degree` cases
(default 50) ignored as hubs — the same `fraud.rings` code the platform's rescan runs. `train` writes the model file and prints a JSON summary (rows, positives, version: no cross-validation, the bench
measures that); `score` prints `id,score` CSV, one row per row of the file, the calibrated probability to six places.
Exit 0 on success; exit 2 with `{"error": {"code", "field", "zh", "en"}}` on standard error when the input is
unusable (a missing file, an unknown column, a label not 0/1); exit 1 for a fault of ours. Each subcommand is one
function of `SUBCOMMANDS`: another (`rings`) joins by adding its parser and its function.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO

from claimbridge.fraud.learn import LearnInputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise LearnInputError("bad_arguments", f"命令行参数有误：{message}", f"bad command line: {message}")


def read_table(path: str, *, text_columns: tuple[str, ...] = ()) -> Any:
    """A CSV file as a pandas table; `text_columns` are read as text whatever they look like (a model's categories)."""
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise LearnInputError("file_not_found", f"找不到数据文件“{path}”", f"no data file “{path}”", field="--data")
    try:
        header = pd.read_csv(file, nrows=0).columns
        return pd.read_csv(file, dtype={column: str for column in text_columns if column in header})
    except (OSError, UnicodeDecodeError, ValueError) as error:  # pandas' parser errors are ValueErrors
        raise LearnInputError("bad_data", f"无法读取 CSV 文件“{path}”：{error}",
                              f"cannot read the CSV file “{path}”: {error}", field="--data") from None  # fmt: skip


def _train(args: argparse.Namespace, out: TextIO) -> None:
    from claimbridge.fraud.learn import train

    frame = read_table(args.data)
    model = train(frame, label=args.label, id_column=args.id, drop=tuple(args.drop))
    try:
        model.save(args.model)
    except OSError as error:
        raise LearnInputError("cannot_write", f"无法写入模型文件“{args.model}”：{error}",
                              f"cannot write the model file “{args.model}”: {error}", field="--model") from None  # fmt: skip
    summary = {
        "model": args.model,
        "version": model.version,
        "rows": model.training["rows"],
        "positives": model.training["positives"],
        "label": args.label,
        "id": args.id,
        "dropped": list(args.drop),
        "features": len(model.features),
        "calibration": model.calibration["method"],
    }
    out.write(json.dumps(summary, ensure_ascii=False) + "\n")


def _score(args: argparse.Namespace, out: TextIO) -> None:
    from claimbridge.fraud.learn import load, require_columns, score

    model = load(args.model)
    categories = tuple(feature.name for feature in model.features if feature.kind == "category")
    frame = read_table(args.data, text_columns=(*categories, args.id))
    require_columns(frame, [args.id])
    scores = score(model, frame)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "score"])
    for case_id, value in zip(frame[args.id].tolist(), scores.tolist(), strict=True):
        writer.writerow(["" if case_id != case_id else case_id, f"{value:.6f}"])  # NaN ≠ NaN: an empty id


def _rings(args: argparse.Namespace, out: TextIO) -> None:
    from claimbridge.fraud.rings import MAX_DEGREE, RingsInputError, rings_command

    if args.max_degree is None:
        args.max_degree = MAX_DEGREE
    if args.max_degree < 1:
        raise LearnInputError("bad_arguments", "--max-degree 须为正整数", "--max-degree must be a positive integer",
                              field="--max-degree")  # fmt: skip
    if args.file != "-" and not Path(args.file).is_file():
        raise LearnInputError("file_not_found", f"找不到文件“{args.file}”", f"no file “{args.file}”", field="FILE")
    try:
        found = rings_command(args.file, max_degree=args.max_degree)
    except RingsInputError as error:
        zh, _separator, en = str(error).partition(" / ")
        raise LearnInputError("bad_line", zh, en, field=f"line {error.line}") from None
    except UnicodeDecodeError as error:
        raise LearnInputError("bad_data", f"文件不是 UTF-8 文本：{error}", f"the file is not UTF-8 text: {error}",
                              field="FILE") from None  # fmt: skip
    out.write(json.dumps(found, ensure_ascii=False) + "\n")


SUBCOMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], None]] = {"train": _train, "score": _score,
                                                                         "rings": _rings}  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="claimbridge fraud", description="ClaimBridge fraud kernel (no database needed).")
    commands = parser.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    train = commands.add_parser("train", help="learn a calibrated fraud score from a labelled CSV table")
    train.add_argument("--data", required=True, metavar="FILE.csv", help="the labelled table")
    train.add_argument("--label", required=True, metavar="COLUMN", help="the 0/1 outcome (1: fraud)")
    train.add_argument("--id", required=True, metavar="COLUMN", help="the case id: never a feature")
    train.add_argument("--model", required=True, metavar="OUT", help="the model file to write (JSON)")
    train.add_argument("--drop", nargs="+", action="extend", default=[], metavar="COLUMN",
                       help="columns that must not be features (ids, leaks of the outcome or of time)")  # fmt: skip
    score = commands.add_parser("score", help="the calibrated fraud score of each row of a CSV table")
    score.add_argument("--model", required=True, metavar="OUT", help="a model file written by `fraud train`")
    score.add_argument("--data", required=True, metavar="FILE.csv", help="the cases to score")
    score.add_argument("--id", required=True, metavar="COLUMN", help="the case id, written beside each score")
    rings = commands.add_parser("rings", help="the rings (connected groups of ≥ 3 cases) of a JSON-lines file")
    rings.add_argument("file", metavar="FILE", help='JSON lines {"case": ID, "entities": [{"kind": K, "value": V}]}')
    rings.add_argument("--max-degree", type=int, default=None, metavar="N",
                       help="an entity of more than N cases is a hub and links nothing (default 50)")  # fmt: skip
    return parser


def run(argv: list[str], out: TextIO, err: TextIO) -> int:
    try:
        args = _parser().parse_args(argv)
        SUBCOMMANDS[args.subcommand](args, out)
        return 0
    except LearnInputError as error:
        err.write(json.dumps(error.as_dict(), ensure_ascii=False) + "\n")
        return 2
    except BrokenPipeError:  # the reader stopped reading (`… | head`): not a fault, handled by `main`
        raise
    except Exception as error:  # a fault of ours, not of the input: still one JSON document, and exit 1
        err.write(f"claimbridge fraud: internal error: {type(error).__name__}: {error}\n")
        err.write(json.dumps({"error": {"code": "internal_error", "field": "", "zh": "内部错误，请联系平台管理员",
                                        "en": "internal error: please tell the platform administrators"}},
                             ensure_ascii=False) + "\n")  # fmt: skip
        return 1


def main(argv: list[str] | None = None) -> None:
    """`claimbridge fraud …`: `argv` without the word `fraud`."""
    try:
        status = run(sys.argv[2:] if argv is None else argv, sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:  # as the Python documentation advises: no second error when the interpreter flushes
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
