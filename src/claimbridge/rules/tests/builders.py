"""Builders shared by the kernel's tests: settlement documents and their answers in a form easy to compare."""

from __future__ import annotations

from typing import Any

PaymentKey = tuple[str, str, str, str, str | None]  # payer, payee, cover, head, on behalf of


def vehicle(vid: str, liability: str, loss: str = "0", **extra: Any) -> dict[str, Any]:
    """A vehicle of a settlement document: `liability` is a grade (full, primary, ...) or, with a digit, a ratio."""
    losses = {"vehicle": loss, **extra.pop("losses", {})}
    blame = {"ratio": liability} if liability[0].isdigit() else {"liability": liability}
    return {"id": vid, **blame, "ctpl_units": 1, "losses": losses, **extra}


def accident(*vehicles: dict[str, Any], day: str = "2024-06-01", **extra: Any) -> dict[str, Any]:
    return {"accident_date": day, "vehicles": list(vehicles), **extra}


def paid(result: dict[str, Any]) -> dict[PaymentKey, str]:
    return {(p["payer"], p["payee"], p["cover"], p["head"], p["on_behalf_of"]): p["amount"] for p in result["payments"]}


def texts(result: dict[str, Any], language: str = "zh") -> list[str]:
    return [line[language] for line in result["explanation"]]
