"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the repair shop's code at 定损 (issue 16)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.rules.identifiers import USCC_ALPHABET, check_uscc, normalize_uscc, uscc_check_character

# Codes of real companies as their licences print them: each check character agrees (a misremembered code would agree
# only once in 31 times).
REAL = ("91110000802100433B", "91440300708461136T", "91110108551385082Q", "91330100716105852F")
# Codes made for these tests, their check characters computed by hand from the standard's formula (not by the code
# under test): a 工商 company and a 个体工商户 registered in 武都区 (621202), a 民政 body in 天水 (620500), a 机构编制 body.
MADE = ("91621202MA74ABCD12", "92621202MA7Y8K3L0D", "52620500MJ1234567A", "12100000400000624D", "91620502MA73FH0XWL")
LETTERS_NEVER_USED = "IOZSV"


def test_the_alphabet_and_the_weights_are_the_standards():
    assert USCC_ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(USCC_ALPHABET) == 31
    assert not set(LETTERS_NEVER_USED) & set(USCC_ALPHABET)
    from claimbridge.rules.identifiers import _USCC_WEIGHTS

    assert _USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", REAL + MADE)
def test_real_and_hand_computed_codes_are_valid(code):
    assert check_uscc(code)
    assert uscc_check_character(code[:17]) == code[17]


def test_the_check_character_is_31_less_the_remainder_and_0_for_none():
    assert uscc_check_character("0" * 17) == "0"
    assert check_uscc("0" * 18)
    assert uscc_check_character("Y" + "0" * 16) == "1"  # Y is 30: 31 − 30
    assert uscc_check_character("1" + "0" * 16) == "Y"  # 31 − 1 = 30, the alphabet's last symbol
    assert uscc_check_character("01" + "0" * 15) == "W"  # weight 3 at the second place: 31 − 3 = 28, W


@pytest.mark.parametrize("code", REAL + MADE)
def test_every_single_wrong_symbol_is_caught(code):
    """31 is prime and no weight is 0 mod 31: changing any one of the 18 symbols to any other always fails."""
    for position in range(18):
        for symbol in USCC_ALPHABET + LETTERS_NEVER_USED:
            if symbol != code[position]:
                mutated = code[:position] + symbol + code[position + 1 :]
                assert not check_uscc(mutated), mutated


@pytest.mark.parametrize("code", REAL + MADE)
def test_every_swap_of_two_neighbours_among_the_first_17_is_caught(code):
    """Swapping symbols a and b at i and i+1 changes the sum by (a − b)(3^i − 3^(i+1)) = −2(a − b)·3^i, never 0 mod
    31 when a ≠ b."""
    for position in range(16):
        if code[position] != code[position + 1]:
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            assert not check_uscc(swapped), swapped


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("91110000802100433b", "91110000802100433B"),
        (" 9111 0000 8021 0043 3B ", "91110000802100433B"),
        ("911100-00802100433B", "91110000802100433B"),
        ("９１１１００００８０２１００４３３Ｂ", "91110000802100433B"),  # full-width, as some input methods type it
    ],
)
def test_codes_are_read_as_people_type_or_copy_them(typed, normal):
    assert normalize_uscc(typed) == normal
    assert check_uscc(typed)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91110000802100433",  # 17: the check character missing
        "91110000802100433BB",  # 19
        "9111000080210043B",
        "9111A000802100433B",  # a letter in the administrative division
        "91110000802100433I",  # letters the code never uses, even as the check character
        "91110000802100433O",
        "I1110000802100433B",
        "91110000８02100433Ｉ",
        "91110000802100433-",
        "91110000802100433#",
        "壹1110000802100433B",
    ],
)
def test_malformed_codes_are_refused(code):
    assert not check_uscc(code)


_body = st.tuples(
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(_body)
def test_any_body_with_its_computed_check_character_is_valid_and_with_any_other_is_not(body):
    check = uscc_check_character(body)
    assert check_uscc(body + check)
    assert check_uscc((body + check).lower())
    for other in USCC_ALPHABET:
        if other != check:
            assert not check_uscc(body + other)


@given(_body)
def test_the_weighted_sum_with_the_check_character_is_a_multiple_of_31(body):
    code = body + uscc_check_character(body)
    weights = [pow(3, i, 31) for i in range(17)] + [1]
    assert sum(USCC_ALPHABET.index(symbol) * weight for symbol, weight in zip(code, weights, strict=True)) % 31 == 0


@given(st.text(max_size=30))
def test_check_uscc_never_raises(text):
    assert check_uscc(text) in (True, False)
