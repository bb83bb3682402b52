"""Keyed pseudonyms of linking identifiers (issue 16; B5, B8): one value however typed, one pseudonym per key and
kind, nothing of the value in what is stored."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.fraud import pseudonyms as p
from claimbridge.rules.identifiers import id_check_character

KEY = b"k" * 32
KEYS = p.LinkKeys((("v2", b"n" * 32), ("v1", KEY)))


def test_b5_the_same_value_typed_two_ways_is_one_pseudonym() -> None:
    """Spaces, case, full-width characters, a +86 prefix, a plate's dot: normalised away before the HMAC."""
    pairs = [
        ("id_number", "62120219800101123x", " 621202 19800101 123X "),
        ("phone", "13912345678", "+86 139-1234-5678"),
        ("phone", "13912345678", "008613912345678"),
        ("plate", "甘K12345", "甘K·12345"),
        ("plate", "甘K12345", "甘k 12345"),
        ("vin", "LSVAU2180N2183294", "lsvau2180n2183294"),
        ("bank_account", "6222020200112233445", "6222 0202 0011 2233 445"),
        ("repair_shop", "武都区某汽车修理厂有限公司", "武都区 某汽车修理厂 公司"),
        ("repair_shop", "91620000MA71234567", "91620000ma71234567"),
    ]
    for kind, one, other in pairs:
        a, b = p.link(kind, one, KEYS), p.link(kind, other, KEYS)
        assert a is not None, (kind, one)
        assert b is not None, (kind, other)
        assert a.pseudonym == b.pseudonym, (kind, one, other)


def test_b5_different_values_and_kinds_give_different_pseudonyms() -> None:
    a = p.link("phone", "13912345678", KEYS)
    b = p.link("phone", "13912345679", KEYS)
    c = p.link("bank_account", "13912345678", KEYS)  # the same digits as an account: another kind, another pseudonym
    assert a
    assert b
    assert c
    assert len({a.pseudonym, b.pseudonym, c.pseudonym}) == 3


def test_b8_the_pseudonym_is_keyed_not_a_plain_hash() -> None:
    """A database reader who hashes every plausible ID number finds nothing: the pseudonym is not SHA-256 of the value
    (nor of kind:value), and another key gives another pseudonym; the version says which key made it."""
    number = "62120219800101123X"
    made = p.link("id_number", number, KEYS)
    assert made is not None
    assert made.key_version == "v2"
    assert made.pseudonym not in {hashlib.sha256(number.encode()).hexdigest(),
                                  hashlib.sha256(f"id_number:{number}".encode()).hexdigest()}  # fmt: skip
    old = p.link("id_number", number, KEYS, version="v1")
    assert old is not None
    assert old.key_version == "v1"
    assert old.pseudonym != made.pseudonym
    assert old.pseudonym == p.pseudonym("id_number", number, KEY)


def test_b8_the_masked_form_never_holds_the_value() -> None:
    cases = {"id_number": "62120219800101123X", "phone": "13912345678", "plate": "甘K12345",
             "vin": "LSVAU2180N2183294", "bank_account": "6222020200112233445"}  # fmt: skip
    for kind, value in cases.items():
        made = p.link(kind, value, KEYS)
        assert made is not None
        assert made.masked
        assert made.masked != value
        assert "*" in made.masked
        assert value not in made.masked
        assert value not in made.pseudonym
    assert p.mask("id_number", "62120219800101123X") == "621202********123X"  # the birth date never shows


def test_a_15_digit_id_number_is_its_18_character_form() -> None:
    first17 = "621202" + "19" + "800101123"
    assert p.normal_id_number("621202800101123") == first17 + id_check_character(first17)


def test_unusable_values_make_no_link() -> None:
    for kind, value in (("id_number", "12345"), ("phone", "12"), ("vin", "ABC"), ("bank_account", "1234"),
                        ("repair_shop", " ,. "), ("plate", "")):  # fmt: skip
        assert p.link(kind, value, KEYS) is None, (kind, value)
    with pytest.raises(ValueError, match="unknown link kind"):
        p.normalise("email", "a@b")


def test_geocell_is_a_few_hundred_metres() -> None:
    """Points ~100 m apart mostly share a cell, points 1 km apart never do; GCJ-02 points are converted first."""
    from claimbridge.rules.coordinates import distance_m, wgs84_to_gcj02

    lat, lon = 33.3951, 104.9316
    assert p.geocell(lat, lon) == p.geocell(lat + 0.0001, lon + 0.0001)
    assert p.geocell(lat, lon) != p.geocell(lat + 0.009, lon)
    assert p.geocell(*wgs84_to_gcj02(lat, lon), crs="gcj02") == p.geocell(lat, lon)
    row, column = (int(part) for part in p.geocell(lat, lon).split(":"))
    corner = (row * p.CELL_LAT_DEGREES, column * p.CELL_LAT_DEGREES / 0.8345)
    assert 250 < distance_m(corner[0], corner[1], corner[0] + p.CELL_LAT_DEGREES, corner[1]) < 400
    assert p.geocell(float("nan"), lon) == ""


def test_link_keys_are_checked() -> None:
    assert p.LinkKeys.parse(f"v2:{'a' * 32}, v1:{'b' * 32}").current == "v2"
    for bad in ("", f"{'a' * 32}", f"v1:{'a' * 10}", f"v1:{'a' * 32},v1:{'b' * 32}", f"toolongver:{'a' * 32}"):
        with pytest.raises(p.LinkKeyError):
            p.LinkKeys.parse(bad)


@given(st.text(alphabet="0123456789 -", min_size=11, max_size=20))
def test_phone_pseudonym_depends_only_on_the_digits(typed: str) -> None:
    digits = "".join(ch for ch in typed if ch.isdigit())
    a, b = p.link("phone", typed, KEYS), p.link("phone", digits, KEYS)
    assert (a is None) == (b is None)
    if a and b:
        assert a.pseudonym == b.pseudonym
