"""Builders for the register's tests: a policy row as an insurer sends it, and a load through the real service."""

from __future__ import annotations

from typing import Any

from claimbridge.policies import services
from claimbridge.policies.models import PolicyLoad


def row(number: str, **changes: str) -> dict[str, str]:
    base = {"policy_number": number, "branch": "621200", "cover_type": "ctpl", "plate": "甘K12345",
            "vin": "LSVAM4187C2184847", "start": "2024-01-01", "end": "2024-12-31",
            "holder_name": "张三", "holder_id_number": "34052419800101001X", "holder_phone": "13912345678"}  # fmt: skip
    return base | changes


def load(users: dict[str, Any], rows: list[dict[str, Any]], insurer_code: str = "tianlong") -> PolicyLoad:
    user = users[f"{insurer_code}_hq"]
    started, _ = services.policy_load_start(insurer=user.insurer, user=user, source="command", file_name="test.csv")
    return services.policy_rows_load(load=started, rows=rows)
