"""Demo vehicles and their policies: one for every eligibility outcome of 快处易赔, dated around today."""

from __future__ import annotations

from datetime import date

from claimbridge.accounts.models import User
from claimbridge.organisations.models import Insurer
from claimbridge.policies import services

DEMO_PREFIX = "DEMO"


def _vehicles(today: date) -> list[tuple[str, str, str, list[tuple[str, str, str, str]]]]:
    """(insurer, plate, what it shows, [(cover, branch, start, end)])."""
    this_year = (f"{today.year}-01-01", f"{today.year}-12-31")
    last_year = (f"{today.year - 1}-01-01", f"{today.year - 1}-12-31")
    full = lambda branch, period: [("ctpl", branch, *period), ("third_party", branch, *period)]  # noqa: E731
    return [
        ("tianlong", "甘K12345", "qualifies (Longnan policies)", full("621202", this_year)),
        ("maiji", "甘E6789A", "qualifies (Tianshui policies)", full("620503", this_year)),
        ("fuxi", "甘E34567", "交强险 only: no commercial third-party cover", [("ctpl", "620500", *this_year)]),
        ("tianlong", "甘K45678", "expired last year", full("621200", last_year)),
        ("fuxi", "甘A56789", "written outside the two cities (Lanzhou)", full("620100", this_year)),
        ("bailong", "甘K23456", "insurer with branches in Longnan only", full("621200", this_year)),
    ]


def load_demo_policies(today: date | None = None) -> list[tuple[str, str]]:
    """Idempotent: loading twice changes nothing. Returns (plate, what it shows) for the demo listing."""
    today = today or date.today()
    shown = []
    for number, (insurer_code, plate, note, covers) in enumerate(_vehicles(today), start=1):
        insurer = Insurer.objects.get(code=insurer_code)
        user = User.objects.get(username=f"{insurer_code}_hq")
        rows = [
            {"policy_number": f"{DEMO_PREFIX}{insurer_code.upper()}{number:02d}{cover[:2].upper()}", "branch": branch,
             "cover_type": cover, "plate": plate, "start": start, "end": end,
             "limit": "1000000" if cover == "third_party" else "", "holder_name": "演示车主", "holder_phone": "13800001234"}
            for cover, branch, start, end in covers
        ]  # fmt: skip
        load, existed = services.policy_load_start(insurer=insurer, user=user, source="command", file_name="demo",
                                                   idempotency_key=f"demo-{today.year}-{plate}")  # fmt: skip
        if not existed:
            services.policy_rows_load(load=load, rows=rows)
        shown.append((plate, note))
    return shown
