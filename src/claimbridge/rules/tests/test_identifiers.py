"""Plates, VINs and resident ID numbers (issue 3 §5; domain-facts §5.2–5.4)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbridge.rules.identifiers import check_id_number, check_plate, check_vin, id_check_character, vin_check_digit


@pytest.mark.parametrize(
    ("raw", "normalized", "kind", "city"),
    [
        ("甘K12345", "甘K12345", "ordinary", "陇南市"),
        ("甘e·a1b2c", "甘EA1B2C", "ordinary", "天水市"),
        (" 甘K 8A88 8 ", "甘K8A888", "ordinary", "陇南市"),
        ("甘AD12345", "甘AD12345", "new_energy_small", "兰州市"),
        ("甘KFA1234", "甘KFA1234", "new_energy_small", "陇南市"),
        ("甘E12345D", "甘E12345D", "new_energy_large", "天水市"),
        ("京AA12345", "京AA12345", "new_energy_small", None),
        ("甘K1234挂", "甘K1234挂", "trailer", "陇南市"),
        ("甘E1234学", "甘E1234学", "coach", "天水市"),
        ("甘A1234警", "甘A1234警", "police", "兰州市"),
        ("粤Z1234港", "粤Z1234港", "hong_kong", None),
        ("粤Z1234澳", "粤Z1234澳", "macao", None),
    ],
)
def test_valid_plates_are_recognised_and_normalised(raw, normalized, kind, city):
    result = check_plate(raw)
    assert (result.valid, result.normalized, result.kind, result.city) == (True, normalized, kind, city)
    assert result.province == normalized[0]
    assert result.authority == normalized[:2]


@pytest.mark.parametrize(
    "raw",
    [
        "甘K1234O",
        "甘KI2345",
        "甘K1234",
        "甘K123456",
        "X甘K12345",
        "甘112345",
        "甘KZ12345",
        "甘K12345Z",
        "",
        "甘K1234港",
        "甘KF1A234",
    ],
)
def test_invalid_plates_are_refused(raw):
    result = check_plate(raw)
    assert result.valid is False
    assert result.kind is None


@pytest.mark.parametrize(("vin", "digit"), [("JH2RC3605MM101581", "5"), ("1M8GDM9AXKP042788", "X")])
def test_published_vin_check_digits(vin, digit):
    result = check_vin(vin)
    assert result.valid
    assert (result.check_digit, result.expected_check_digit, result.wmi) == (digit, digit, vin[:3])


def test_a_vin_with_a_wrong_check_digit_says_which_digit_was_expected():
    result = check_vin("JH2RC3604MM101581")
    assert (result.valid, result.check_digit, result.expected_check_digit) == (False, "4", "5")


@pytest.mark.parametrize("vin", ["JH2RC3605MM10158", "JH2RC3605MM1015811", "IH2RC3605MM101581", "JH2RC3605MQ101581"])
def test_vins_of_the_wrong_length_or_with_i_o_q_are_refused(vin):
    assert check_vin(vin).valid is False


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17))
def test_any_vin_with_its_computed_check_digit_is_valid_and_any_other_digit_is_not(body):
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert check_vin(vin).valid
    wrong = next(d for d in "0123456789X" if d != vin[8])
    assert not check_vin(vin[:8] + wrong + vin[9:]).valid


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [("34052419800101001X", date(1980, 1, 1), "male"), ("11010519491231002X", date(1949, 12, 31), "female")],
)
def test_published_id_numbers(number, birth, sex):
    result = check_id_number(number)
    assert (result.valid, result.birth_date, result.sex, result.region_code) == (True, birth, sex, number[:6])


@pytest.mark.parametrize(
    "number",
    [
        "340524198001010013",  # wrong check character (X expected)
        "340524198002300016",  # 30 February
        "34052419800101001",  # 17 characters
        "04052419800101001X",  # region code cannot start with 0
    ],
)
def test_bad_id_numbers_are_refused(number):
    assert check_id_number(number).valid is False


def test_a_birth_date_in_the_future_is_refused():
    first17 = "62120220300101001"
    assert check_id_number(first17 + id_check_character(first17), today=date(2026, 11, 25)).valid is False


def test_lowercase_x_is_accepted():
    assert check_id_number("34052419800101001x").valid


def test_the_command_line_prints_json():
    from claimbridge.rules.cli import run

    assert run(["validate", "plate", "甘k·12345"], None) == (
        0,
        {
            "valid": True,
            "normalized": "甘K12345",
            "kind": "ordinary",
            "province": "甘",
            "authority": "甘K",
            "city": "陇南市",
        },
    )
    status, result = run(["validate", "idcard", "34052419800101001X"], None)
    assert status == 0
    assert result["birth_date"] == "1980-01-01"
