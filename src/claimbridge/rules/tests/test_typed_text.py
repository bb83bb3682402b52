"""What people type and read aloud: money with commas and 元, codes from paper (issue 13; B1, R3, B9). Pure."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.rules.identifiers import READABLE_ALPHABET, code_as_typed, readable_code
from claimbridge.rules.inputs import PLAIN_AMOUNT, money_text

LOOKALIKES = "0O1I2Z5S8B"


def test_the_readable_alphabet_has_no_lookalikes_and_no_repeats():
    assert not set(READABLE_ALPHABET) & set(LOOKALIKES)
    assert len(set(READABLE_ALPHABET)) == len(READABLE_ALPHABET) == 26
    assert re.fullmatch(r"[A-Z0-9]+", READABLE_ALPHABET)


@given(st.binary(min_size=12, max_size=12))
def test_a_readable_code_uses_only_the_alphabet_and_has_its_length(data):
    code = readable_code(data, 16)
    assert len(code) == 16
    assert set(code) <= set(READABLE_ALPHABET)


@given(st.binary(min_size=12, max_size=12), st.binary(min_size=12, max_size=12))
def test_different_bytes_give_different_codes(first, second):
    """16 symbols of 26 hold 75 bits: the first 75 bits of the bytes decide the code, so codes differ when they do."""
    if int.from_bytes(first, "big") % 26**16 != int.from_bytes(second, "big") % 26**16:
        assert readable_code(first, 16) != readable_code(second, 16)


def test_the_code_reads_the_bytes_in_order():
    assert readable_code(bytes(12), 4) == "AAAA"
    assert readable_code((1).to_bytes(12, "big"), 4) == "AAAC"
    assert readable_code((26).to_bytes(12, "big"), 4) == "AACA"


def test_too_few_bytes_for_the_length_are_refused():
    with pytest.raises(ValueError, match="not enough bytes"):
        readable_code(b"\xff", 4)


@given(st.binary(min_size=12, max_size=12))
def test_a_code_typed_back_in_any_fashion_is_the_printed_code(data):
    printed = code_as_typed(readable_code(data, 16), group=4)
    assert re.fullmatch(r"([A-Z0-9]{4}-){3}[A-Z0-9]{4}", printed)
    plain = printed.replace("-", "")
    for typed in (plain, plain.lower(), " ".join(plain), "-".join(plain), plain.translate(
            {ord(c): ord(c) + 0xFEE0 for c in plain}), f"  {printed.lower()}\n"):  # fmt: skip
        assert code_as_typed(typed, group=4) == printed


def test_a_code_of_the_old_alphabet_is_read_with_digits_for_its_letters():
    assert code_as_typed("vvmu1hl062gml278", group=4) == "VVMU-IHLO-62GM-L27B"
    assert code_as_typed("AB-CD") == "ABCD"


@pytest.mark.parametrize(
    ("typed", "plain"),
    [("12,000", "12000"), ("１２，０００元", "12000"), ("¥1,500.50", "1500.50"), ("￥800", "800"), (" 3 000 ", "3000"),
     ("1,234,567.89", "1234567.89"), ("12000圆", "12000"), ("0", "0")],
)  # fmt: skip
def test_money_is_read_as_people_type_it(typed, plain):
    assert money_text(typed) == plain
    assert PLAIN_AMOUNT.fullmatch(money_text(typed))


@pytest.mark.parametrize("typed", ["12,00", "12,00元", "1,2345", "1e3", "十二", "12.000,00", "-5", "1.", ".5", ""])
def test_a_misplaced_comma_or_words_are_never_guessed(typed):
    """Issue 13: "12,00元" was read as 1200 on the phone (every comma dropped) and refused at the desk."""
    assert not PLAIN_AMOUNT.fullmatch(money_text(typed))


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_an_amount_written_with_thousands_commas_reads_as_itself(amount):
    grouped = f"{amount:,.2f}"
    assert Decimal(money_text(grouped)) == amount
    assert Decimal(money_text(grouped + "元")) == amount
