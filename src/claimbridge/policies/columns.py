"""What each column of a policy file must hold, as the upload page states it and the CSV template shows it (issue 13).

The rules themselves are checked in `rows.py` (one place); this is their description for people, in both languages,
with an example value each. The template is headed in Chinese, as a Chinese export would be; English headers are
accepted too (`tables.HEADER_ALIASES`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claimbridge.policies.rows import COLUMNS, REQUIRED
from claimbridge.policies.tables import CHINESE_HEADERS


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    rule: str | Promise
    examples: tuple[str, str]  # the template's two rows: a 交强险 policy and a commercial third-party one

    @property
    def chinese(self) -> str:
        return CHINESE_HEADERS[self.name]


_RULES: dict[str, tuple[str | Promise, tuple[str, str]]] = {
    "policy_number": (_("4–40 letters, digits, - _ or /; a policy number is loaded once, a changed row is an endorsement"), ("PDZA2026621202000001", "PDAA2026621202000001")),
    "branch": (_("the 6-digit administrative division code of the city or county of the issuing branch (出单机构), e.g. 621202 for 武都区, 620500 for 天水市"), ("621202", "621202")),
    "cover_type": (_("交强险, 商业三者险 or 车损险 (or ctpl, third_party, own_damage, other)"), ("交强险", "商业三者险")),
    "cover_name": (_("the cover's name; required when the cover is “other”"), ("", "")),
    "plate": (_("the plate as on the vehicle, e.g. 甘K5Z678"), ("甘K5Z678", "甘K5Z678")),
    "vin": (_("17 characters without I, O or Q, with a valid check digit"), ("", "")),
    "vehicle_type": (_("as the policy names it, at most 40 characters"), ("小型轿车", "小型轿车")),
    "limit": (_("in yuan, at most two decimals; required for commercial third-party cover"), ("", "1000000")),
    "start": (_("the first day (from 00:00), as 2026-01-01, or a date and time"), ("2026-01-01", "2026-01-01")),
    "end": (_("the last day (to 24:00), as 2026-12-31, or a date and time; after the start"), ("2026-12-31", "2026-12-31")),
    "status": (_("有效 or 退保 (in_force or cancelled); empty: in force"), ("有效", "有效")),
    "cancelled_at": (_("when a cancelled policy ended: a date or a date and time"), ("", "")),
    "endorsement_at": (_("when an endorsement took effect"), ("", "")),
    "holder_name": (_("the policyholder; stored encrypted"), ("王建国", "王建国")),
    "holder_id_number": (_("a valid 18-character resident ID number; stored encrypted"), ("", "")),
    "holder_phone": (_("an 11-digit mobile number; stored encrypted"), ("13800001234", "13800001234")),
    "insured_name": (_("the insured, when not the policyholder; stored encrypted"), ("", "")),
    "insured_id_number": (_("a valid 18-character resident ID number; stored encrypted"), ("", "")),
    "insured_phone": (_("an 11-digit mobile number; stored encrypted"), ("", "")),
}  # fmt: skip

POLICY_COLUMNS = tuple(Column(name, name in REQUIRED, *_RULES[name]) for name in COLUMNS)


def template_csv(year: int | None = None) -> bytes:
    """The CSV template: Chinese headers and two example rows (policies of this year), UTF-8 with a byte-order mark
    so that Excel opens it in Chinese."""
    year = year or date.today().year
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.chinese for column in POLICY_COLUMNS])
    for row in range(2):
        writer.writerow([column.examples[row].replace("2026", str(year)) for column in POLICY_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def columns_for_page(english: bool) -> list[dict[str, Any]]:
    return [{"header": column.name if english else column.chinese, "required": column.required,
             "rule": column.rule} for column in POLICY_COLUMNS]  # fmt: skip
