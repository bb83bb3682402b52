"""Rows out of an uploaded table: CSV (UTF-8, or GB18030 as Chinese Excel saves it) or Excel .xlsx. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from claimbridge.rules.common import RuleInputError

# Our column names in Chinese, as a Chinese export would head them (every one is also accepted on import).
CHINESE_HEADERS = {
    "policy_number": "保单号", "branch": "出单机构", "cover_type": "险种", "cover_name": "险种名称", "plate": "号牌",
    "vin": "车架号", "vehicle_type": "车辆类型", "limit": "责任限额", "start": "起保日期", "end": "终保日期", "status": "状态",
    "cancelled_at": "注销时间", "endorsement_at": "批改生效时间", "holder_name": "投保人", "holder_id_number": "投保人证件号",
    "holder_phone": "投保人电话", "insured_name": "被保险人", "insured_id_number": "被保险人证件号", "insured_phone": "被保险人电话",
}  # fmt: skip


# Header names insurers' exports use, mapped to ours: the Chinese names above, and common variants.
HEADER_ALIASES = {zh: column for column, zh in CHINESE_HEADERS.items()} | {
    "车牌号": "plate", "保额": "limit", "起保时间": "start", "终保时间": "end", "保险起期": "start", "保险止期": "end",
}  # fmt: skip


def _header(names: list[Any], aliases: dict[str, str] = HEADER_ALIASES) -> list[str]:
    return [aliases.get(str(name or "").strip(), str(name or "").strip().lower()) for name in names]


def read_rows(stream: IO[bytes], file_name: str, aliases: dict[str, str] = HEADER_ALIASES) -> Iterator[dict[str, Any]]:
    """Each data row as a dict keyed by our column names (`aliases`: header names → ours); blank rows skipped. Police
    records (police/rows.py) are read by the same function with their own headers."""
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(stream, aliases)
        return
    raw = stream.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RuleInputError("file", "文件不是 UTF-8 或 GB18030 编码的 CSV", "the file is not a UTF-8 or GB18030 CSV")
    reader = csv.reader(io.StringIO(text))
    header = _header(next(reader, []), aliases)
    for values in reader:
        if any(value.strip() for value in values):
            yield dict(zip(header, values, strict=False))


def _xlsx_rows(stream: IO[bytes], aliases: dict[str, str]) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise RuleInputError("file", "无法读取 Excel 文件", "the Excel file cannot be read") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = _header(list(next(rows, [])), aliases)
    for values in rows:
        if any(value not in (None, "") for value in values):
            yield dict(zip(header, values, strict=False))
    workbook.close()


def batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Rows read in lists of at most `size`, so that a large table is loaded a batch at a time."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
