"""Licence plates (GA 36), VINs (ISO 3779 check digit) and resident ID numbers (GB 11643). Pure functions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SERIAL = "A-HJ-NP-Z0-9"  # I and O are never used in a serial: they read as 1 and 0
_NEV_LETTERS = "DABCEFGHJK"  # D/F originally; the later expansion adds A B C E (electric) and G H J K (other)

GANSU_AUTHORITIES = {
    "A": "兰州市", "B": "嘉峪关市", "C": "金昌市", "D": "白银市", "E": "天水市", "F": "酒泉市", "G": "张掖市",
    "H": "武威市", "J": "定西市", "K": "陇南市", "L": "平凉市", "M": "庆阳市", "N": "临夏回族自治州",
    "P": "甘南藏族自治州",
}  # fmt: skip

_PLATE_KINDS = (  # the commonest first; the patterns exclude one another, so order changes only speed
    ("ordinary", re.compile(rf"^([{PROVINCES}])([A-Z])([{_SERIAL}]{{5}})$")),
    ("new_energy_small", re.compile(rf"^([{PROVINCES}])([A-Z])([{_NEV_LETTERS}][{_SERIAL}][0-9]{{4}})$")),
    ("new_energy_large", re.compile(rf"^([{PROVINCES}])([A-Z])([0-9]{{5}}[{_NEV_LETTERS}])$")),
    ("trailer", re.compile(rf"^([{PROVINCES}])([A-Z])([{_SERIAL}]{{4}}挂)$")),
    ("coach", re.compile(rf"^([{PROVINCES}])([A-Z])([{_SERIAL}]{{4}}学)$")),
    ("police", re.compile(rf"^([{PROVINCES}])([A-Z])([{_SERIAL}]{{4}}警)$")),
    ("hong_kong", re.compile(rf"^(粤)(Z)([{_SERIAL}]{{4}}港)$")),
    ("macao", re.compile(rf"^(粤)(Z)([{_SERIAL}]{{4}}澳)$")),
)
_PLATE_NOISE = re.compile(r"[\s·•・.\-_]")


@dataclass(frozen=True)
class PlateCheck:
    valid: bool
    normalized: str
    kind: str | None
    province: str | None
    authority: str | None
    city: str | None


def normalize_plate(value: str) -> str:
    return _PLATE_NOISE.sub("", value).upper()


def check_plate(value: str) -> PlateCheck:
    plate = normalize_plate(value)
    for kind, pattern in _PLATE_KINDS:
        match = pattern.match(plate)
        if match:
            province, letter = match.group(1), match.group(2)
            city = GANSU_AUTHORITIES.get(letter) if province == "甘" else None
            return PlateCheck(True, plate, kind, province, province + letter, city)
    return PlateCheck(False, plate, None, None, None, None)


_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)), **dict(zip("JKLMN", range(1, 6), strict=True)),
               "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10), strict=True))}  # fmt: skip
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


@dataclass(frozen=True)
class VinCheck:
    valid: bool
    normalized: str
    check_digit: str | None
    expected_check_digit: str | None
    wmi: str | None


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[ch] * weight for ch, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_vin(value: str) -> VinCheck:
    vin = re.sub(r"\s", "", value).upper()
    if not _VIN_RE.match(vin):
        return VinCheck(False, vin, None, None, None)
    expected = vin_check_digit(vin)
    return VinCheck(vin[8] == expected, vin, vin[8], expected, vin[:3])


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$")


@dataclass(frozen=True)
class IdCardCheck:
    valid: bool
    birth_date: date | None
    sex: str | None
    region_code: str | None


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def check_id_number(value: str, *, today: date | None = None) -> IdCardCheck:
    number = re.sub(r"\s", "", value).upper()
    invalid = IdCardCheck(False, None, None, None)
    if not _ID_RE.match(number):
        return invalid
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return invalid
    if birth.year < 1900 or birth > (today or date.today()):
        return invalid
    if id_check_character(number[:17]) != number[17]:
        return invalid
    sex = "male" if int(number[16]) % 2 else "female"
    return IdCardCheck(True, birth, sex, number[:6])


# Codes people read aloud, copy from paper or type from another phone (join codes, agreement verification codes):
# 26 symbols with no pair people mistake for each other in print or handwriting: 0 and O, 1 and I, 2 and Z, 5 and S,
# 8 and B are all left out, so there is never a symbol to guess.
READABLE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
# A code printed before the readable alphabet (base32) may hold O, I and B where people type 0, 1 and 8.
_LEGACY_LOOKALIKES = str.maketrans("018", "OIB")


def readable_code(data: bytes, length: int) -> str:
    """`length` symbols of READABLE_ALPHABET drawn from `data` (an HMAC or random bytes with at least
    length × log2(26) ≈ 4.7 bits each), most significant first."""
    number, base = int.from_bytes(data, "big"), len(READABLE_ALPHABET)
    if base**length > 256 ** len(data):
        raise ValueError("not enough bytes for a code of this length: its last symbols would always be the first")
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, base)
        symbols.append(READABLE_ALPHABET[digit])
    return "".join(reversed(symbols))


def code_as_typed(text: str, *, group: int = 0) -> str:
    """A code as a person typed it, in its printed form: full-width folded (NFKC), any case, with or without dashes or
    spaces, 0, 1 and 8 read as the O, I and B of a code printed before the readable alphabet. `group` puts a dash
    every `group` symbols (ABCD-EFGH-…), as the code is printed."""
    letters = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text).upper()).translate(_LEGACY_LOOKALIKES)
    if group:
        return "-".join(letters[i : i + group] for i in range(0, len(letters), group))
    return letters


# Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 symbols of a 31-symbol alphabet (no I, O, Z, S, V):
# the registering authority and the kind of body (2), the administrative division (6 digits), the organisation code
# (9), and a check character over the first 17.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {symbol: value for value, symbol in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(
    pow(3, i, 31) for i in range(17)
)  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")


def normalize_uscc(value: str) -> str:
    """A code as typed or copied from a licence: full-width folded (NFKC), spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code: 31 − (Σ value × 3^i mod 31) mod 31, read in the code's
    alphabet (a remainder of 0 gives 0). `first17` must be 17 symbols of USCC_ALPHABET."""
    total = sum(_USCC_VALUES[symbol] * weight for symbol, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[-total % 31]


def check_uscc(value: str) -> bool:
    """Whether `value` is a well-formed unified social credit code (GB 32100-2015) once normalised (normalize_uscc):
    18 symbols of the code's alphabet, the 3rd to 8th digits (the administrative division), and the 18th the check
    character of the first 17. It does not say that the code was ever issued, nor checks the organisation code's own
    check digit (GB 11714) inside it."""
    code = normalize_uscc(value)
    return bool(_USCC_RE.match(code)) and uscc_check_character(code[:17]) == code[17]
