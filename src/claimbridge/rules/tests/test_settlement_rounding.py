"""Settlement (B2): rounding to the fen, worked by hand.

The rule (settlement.py): amounts are exact until the end; then each group of payments — one payer under one cover,
per head for 交强险, 无责代赔 apart — is rounded so that its total is its exact total rounded half up, the spare fen
going to the largest fractions first, and never past what a victim lost. Issue 12: mutation testing showed that no
test told these groups apart.
"""

from __future__ import annotations

from decimal import Decimal

from claimbridge.rules.settlement import settlement_from_document

from .builders import accident, paid, vehicle


def test_compulsory_and_commercial_payments_are_rounded_apart_and_every_victim_gets_its_loss():
    """B2: A's 2,000 is shared by three pedestrians' 1,000 (666.666… each); its commercial cover pays the rest.

    交强险: 3 × 0.00666… = 0.02 → two fen, to P1 and P2 (666.67, 666.67, 666.66: exactly 2,000.00).
    商业三者险: 3 × 0.00333… = 0.01 → one fen; P1 and P2 already have their whole loss, so it goes to P3.
    """
    document = accident(
        vehicle("A", "full", third_party_limit="1000000"),
        other_victims=[{"id": f"P{n}", "losses": {"property": "1000"}} for n in (1, 2, 3)],
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "P1", "ctpl", "property", None): "666.67",
        ("A", "P2", "ctpl", "property", None): "666.67",
        ("A", "P3", "ctpl", "property", None): "666.66",
        ("A", "P1", "third_party", "property", None): "333.33",
        ("A", "P2", "third_party", "property", None): "333.33",
        ("A", "P3", "third_party", "property", None): "333.34",
    }
    assert {victim: row["received"] for victim, row in result["summary"].items()} == {
        "A": "0.00",
        "P1": "1000.00",
        "P2": "1000.00",
        "P3": "1000.00",
    }


def test_half_a_fen_rounds_up_but_never_past_the_victims_loss():
    """B2: P lost 4,010.01; the two 交强险 pay 2,000 each, and each 50 % commercial share of 10.01 is 5.005.

    Half a fen rounds up (5.01), but P has only one fen left to receive, so the second share stays 5.00.
    """
    document = accident(
        vehicle("A", "equal", third_party_limit="1000000"),
        vehicle("B", "equal", third_party_limit="1000000"),
        other_victims=[{"id": "P", "losses": {"property": "4010.01"}}],
    )
    result = settlement_from_document(document)
    rows = paid(result)
    assert rows[("A", "P", "third_party", "property", None)] == "5.01"
    assert rows[("B", "P", "third_party", "property", None)] == "5.00"
    assert result["summary"]["P"] == {"loss": "4010.01", "received": "4010.01", "uncovered": "0.00"}


def test_one_commercial_cover_is_rounded_as_one_across_heads():
    """B2: B (40 %) owes 40 % of 10.01 for P's property and again for P's medical costs: 4.004 + 4.004 = 8.008.

    One cover, one limit, one rounding: 8.01 in all, the fen going to the first head (property).
    """
    document = accident(
        vehicle("A", "0.6"),
        vehicle("B", "0.4", third_party_limit="1000000"),
        other_victims=[{"id": "P", "losses": {"property": "4010.01", "medical": "36010.01"}}],
    )
    result = settlement_from_document(document)
    rows = paid(result)
    assert rows[("B", "P", "third_party", "property", None)] == "4.01"
    assert rows[("B", "P", "third_party", "medical", None)] == "4.00"
    assert rows[("A", "P", "ctpl", "medical", None)] == "18000.00"
    assert result["uncovered"]["P"] == "12.01"  # A (60 %) has no commercial cover: 40,020.02 − 40,008.01


def test_no_fault_proxy_payments_are_rounded_on_their_own():
    """B2: three liable cars share the no-fault 100 (33.333… each): rounded alone, 33.33 each, 99.99 in all.

    Each car's other 66.666… comes from the two other cars (33.333… each); in each payer's group the spare fen goes
    to the first victim that still has one to receive, so every car receives exactly its 100.00.
    """
    document = accident(
        vehicle("A", "0.4", "100"),
        vehicle("B", "0.3", "100"),
        vehicle("C", "0.3", "100"),
        vehicle("D", "none", "0"),
        no_fault_proxy=True,
    )
    result = settlement_from_document(document)
    assert paid(result) == {
        ("A", "A", "ctpl", "property", "D"): "33.33",
        ("B", "B", "ctpl", "property", "D"): "33.33",
        ("C", "C", "ctpl", "property", "D"): "33.33",
        ("A", "B", "ctpl", "property", None): "33.33",
        ("A", "C", "ctpl", "property", None): "33.34",
        ("B", "A", "ctpl", "property", None): "33.34",
        ("B", "C", "ctpl", "property", None): "33.33",
        ("C", "A", "ctpl", "property", None): "33.33",
        ("C", "B", "ctpl", "property", None): "33.34",
    }
    received = {victim: Decimal(row["received"]) for victim, row in result["summary"].items()}
    assert received == {"A": Decimal(100), "B": Decimal(100), "C": Decimal(100), "D": Decimal(0)}
