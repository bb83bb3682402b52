"""`claimbridge rules …`, `geo locate …`, `photos dedupe …` and `validate …`, without starting Django.

Each reads one JSON document (standard input, `rules --file FILE` or arguments) and writes one JSON document to standard output:
exit 0 with the decision, exit 2 with `{"error": {"code", "field", "zh", "en"}}` when the input is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from claimbridge.rules.common import RuleInputError
from claimbridge.rules.documents import IDENTIFIER_CHECKS, RULES, identifier_document
from claimbridge.rules.geography import CRS_CHOICES, CountyIndex
from claimbridge.rules.inputs import number_from, parse_document

COMMANDS = ("rules", "geo", "validate", "photos")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise RuleInputError("", f"命令行参数有误：{message}", f"bad command line: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="claimbridge", description="ClaimBridge rules kernel (no database needed).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rules = commands.add_parser("rules", help="decide from one JSON document on standard input")
    rules.add_argument("rule", choices=sorted(RULES))
    rules.add_argument("--file", help="read the JSON document from FILE instead of standard input")
    geo = commands.add_parser("geo", help="geography")
    geo_commands = geo.add_subparsers(dest="geo_command", required=True, parser_class=_Parser)
    locate = geo_commands.add_parser("locate", help="the county containing a point")
    locate.add_argument("--boundaries", required=True, help="county boundary GeoJSON (DataV schema)")
    locate.add_argument("--crs", choices=CRS_CHOICES, default="wgs84", help="datum of LAT LON (default wgs84)")
    locate.add_argument("--boundaries-crs", choices=CRS_CHOICES, default="gcj02", help="datum of the boundary file")
    locate.add_argument("lat")
    locate.add_argument("lon")
    photos = commands.add_parser("photos", help="photo evidence")
    photo_commands = photos.add_subparsers(dest="photos_command", required=True, parser_class=_Parser)
    dedupe = photo_commands.add_parser("dedupe", help="groups of near-duplicate images among the files of DIR")
    dedupe.add_argument("directory", metavar="DIR")
    validate = commands.add_parser("validate", help="check a plate, a VIN or a resident ID number")
    validate.add_argument("kind", choices=sorted(IDENTIFIER_CHECKS))
    validate.add_argument("value")
    return parser


def _read_file(name: str) -> str:
    try:
        with open(name, encoding="utf-8") as file:
            return file.read()
    except UnicodeDecodeError:
        raise RuleInputError("file", "文件不是 UTF-8 编码的文本", "the file is not UTF-8 text") from None
    except OSError as error:
        raise RuleInputError(
            "file", f"无法读取文件“{name}”：{error.strerror}", f"cannot read the file “{name}”: {error.strerror}"
        ) from None


def run(argv: list[str], stdin: Any) -> tuple[int, dict[str, Any]]:
    try:
        args = _parser().parse_args(argv)
        if args.command == "validate":
            return 0, identifier_document(args.kind, args.value)
        if args.command == "photos":
            from pathlib import Path

            from claimbridge.photos.dedupe import dedupe_directory  # imports Pillow and numpy only when needed

            directory = Path(args.directory)
            if not directory.is_dir():
                raise RuleInputError("DIR", f"“{directory}”不是目录", f"“{directory}” is not a directory")
            return 0, dedupe_directory(directory)
        if args.command == "geo":
            lat, lon = float(number_from(args.lat, "lat")), float(number_from(args.lon, "lon"))
            index = CountyIndex.from_file(args.boundaries, crs=args.boundaries_crs)
            return 0, index.locate(lat, lon, crs=args.crs).as_dict()
        raw = _read_file(args.file) if args.file else "" if stdin is None or stdin.isatty() else stdin.read()
        if not raw.strip():
            if args.rule != "circumstances":
                raise RuleInputError("", "标准输入中没有 JSON 文档", "no JSON document on standard input")
            raw = "{}"
        return 0, RULES[args.rule](parse_document(raw))
    except RuleInputError as error:
        return 2, error.as_dict()
    except Exception as error:  # a fault of ours, not of the input: still one JSON document, and exit 1
        sys.stderr.write(f"claimbridge: internal error: {type(error).__name__}: {error}\n")
        return 1, {"error": {"code": "internal_error", "field": "", "zh": "内部错误，请联系平台管理员",
                             "en": "internal error: please tell the platform administrators"}}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    status, document = run(sys.argv[1:] if argv is None else argv, sys.stdin)
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.exit(status)
