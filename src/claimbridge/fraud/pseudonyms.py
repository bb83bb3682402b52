"""Keyed pseudonyms of the identifiers that link cases (issue 16; B5, B8, R20). Pure: no Django.

Each linking identifier — a resident ID number, a mobile, a plate, a VIN, a bank account, a repair shop, a place —
is normalised (so that the same thing typed two ways is one value) and then replaced by HMAC-SHA256 under the
platform's link key, a secret kept outside the database and versioned for rotation (decision 0018). The link index
stores only these pseudonyms, the key's version and a masked form for the committee's eyes; whoever reads the
database learns which cases share *something* of a kind, never what it is, and cannot test a guess without the key
(a plain SHA-256 of an 18-digit ID number falls to enumeration: ~10¹⁰ plausible numbers per birth year and region).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import unicodedata
from dataclasses import dataclass

from claimbridge.core.masking import mask_id_number, mask_phone
from claimbridge.rules.coordinates import gcj02_to_wgs84
from claimbridge.rules.identifiers import normalize_plate

KINDS = ("id_number", "phone", "plate", "vin", "bank_account", "repair_shop", "place")
# A place is a cell of a grid of about 330 m × 330 m at these latitudes (33–35° N): near enough to say "the same spot".
CELL_LAT_DEGREES = 0.003
CELL_METRES = CELL_LAT_DEGREES * 111_195
KEY_MIN_LENGTH = 32

_NOT_DIGIT = re.compile(r"\D")
_SPACE_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")  # GB 32100 unified social credit code
_SHOP_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司")


class LinkKeyError(ValueError):
    """The link keys are badly configured (too short, an empty or repeated version)."""


@dataclass(frozen=True, slots=True)
class LinkKeys:
    """The link keys, newest first: the first makes every new pseudonym; the others are kept only while the index
    still holds pseudonyms made with them (a rescan re-makes every pseudonym with the newest key)."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        versions = [version for version, _key in self.keys]
        if not versions:
            raise LinkKeyError("at least one link key is needed")
        if any(not version or len(version) > 8 or ":" in version for version in versions):
            raise LinkKeyError("every link key needs a version of 1–8 characters without ':'")
        if len(set(versions)) != len(versions):
            raise LinkKeyError("link key versions must be distinct")
        if any(len(key) < KEY_MIN_LENGTH for _version, key in self.keys):
            raise LinkKeyError(f"every link key must have at least {KEY_MIN_LENGTH} bytes")

    @classmethod
    def parse(cls, configured: str) -> LinkKeys:
        """`version:secret,version:secret,…`, newest first (the `LINK_INDEX_KEYS` setting)."""
        keys = []
        for part in (item.strip() for item in configured.split(",")):
            if not part:
                continue
            version, separator, secret = part.partition(":")
            if not separator:
                raise LinkKeyError("each link key is written version:secret")
            keys.append((version, secret.encode()))
        return cls(tuple(keys))

    @property
    def current(self) -> str:
        return self.keys[0][0]

    def key(self, version: str) -> bytes:
        return dict(self.keys)[version]


@dataclass(frozen=True, slots=True)
class Link:
    """One identifier of a case as the link index keeps it."""

    kind: str
    pseudonym: str  # hex HMAC-SHA256 of "kind:normalised value"
    key_version: str
    masked: str  # what the committee is shown: enough to tell two apart, never the value


# --- normalisation: one value, however it was typed ----------------------------------------------------------------


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def normal_id_number(value: str) -> str:
    """Upper case, no spaces; a 15-digit first-generation number is widened to its 18-character form (GB 11643)."""
    number = re.sub(r"\s", "", _nfkc(value)).upper()
    if re.fullmatch(r"\d{15}", number):
        from claimbridge.rules.identifiers import id_check_character

        first17 = number[:6] + "19" + number[6:]
        return first17 + id_check_character(first17)
    return number if re.fullmatch(r"\d{17}[\dX]", number) else ""


def normal_phone(value: str) -> str:
    digits = _NOT_DIGIT.sub("", _nfkc(value))
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if len(digits) >= 7 else ""


def normal_plate(value: str) -> str:
    return normalize_plate(_nfkc(value))


def normal_vin(value: str) -> str:
    vin = re.sub(r"[\s\-]", "", _nfkc(value)).upper()
    return vin if len(vin) == 17 else ""


def normal_bank_account(value: str) -> str:
    digits = _NOT_DIGIT.sub("", _nfkc(value))
    return digits if 8 <= len(digits) <= 30 else ""


def normal_repair_shop(value: str) -> str:
    """The unified social credit code when the value is one, else the name without spaces, punctuation, case or the
    company-form suffix ("某某汽修有限公司" and "某某汽修 公司" are one shop)."""
    uscc = re.sub(r"\s", "", _nfkc(value)).upper()
    if _USCC.match(uscc):
        return f"uscc:{uscc}"
    plain = _SPACE_PUNCT.sub("", _nfkc(value).casefold())
    for suffix in _SHOP_SUFFIXES:
        if plain.endswith(suffix) and len(plain) > len(suffix):
            plain = plain[: -len(suffix)]
            break
    return f"name:{plain}" if plain else ""


def geocell(latitude: float, longitude: float, *, crs: str = "wgs84") -> str:
    """The grid cell of a point (WGS-84; a GCJ-02 point is converted first): rows of CELL_LAT_DEGREES, columns as
    wide in metres at the cell's row. Two points in one cell are at most ~470 m apart; two points a few metres apart
    across a cell edge are in two cells (a known limit: the index links equal values only)."""
    if crs == "gcj02":
        latitude, longitude = gcj02_to_wgs84(latitude, longitude)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or math.isnan(latitude) or math.isnan(longitude):
        return ""
    row = math.floor(latitude / CELL_LAT_DEGREES)
    centre = (row + 0.5) * CELL_LAT_DEGREES
    width = CELL_LAT_DEGREES / max(math.cos(math.radians(centre)), 0.01)
    return f"{row}:{math.floor(longitude / width)}"


NORMALISERS = {
    "id_number": normal_id_number,
    "phone": normal_phone,
    "plate": normal_plate,
    "vin": normal_vin,
    "bank_account": normal_bank_account,
    "repair_shop": normal_repair_shop,
}


def normalise(kind: str, value: str) -> str:
    """The normal form of a value of a kind ("" when it is not a usable value of that kind)."""
    if kind == "place":
        return value.strip()  # already a geocell
    if kind not in NORMALISERS:
        raise ValueError(f"unknown link kind: {kind!r}")
    return NORMALISERS[kind](value)


# --- masking: what the committee sees of a linked value -------------------------------------------------------------


def mask(kind: str, normal: str) -> str:
    if kind == "id_number":
        return mask_id_number(normal)
    if kind == "phone":
        return mask_phone(normal)
    if kind == "plate":
        return normal[:2] + "*" * max(len(normal) - 4, 1) + normal[-2:] if len(normal) > 4 else "*" * len(normal)
    if kind == "vin":
        return normal[:3] + "*" * 10 + normal[-4:]
    if kind == "bank_account":
        return "*" * (len(normal) - 4) + normal[-4:]
    if kind == "repair_shop":
        form, _, value = normal.partition(":")
        return value[:2] + "*" * 6 if form == "name" else value[:4] + "*" * 10 + value[-4:]
    return ""  # a place: never its coordinates (the committee is told "the same spot, within ~330 m")


# --- the pseudonym --------------------------------------------------------------------------------------------------


def pseudonym(kind: str, normal: str, key: bytes) -> str:
    """HMAC-SHA256 of the kind and the normal value: the same value of two kinds gives two pseudonyms."""
    return hmac.new(key, f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()


def link(kind: str, value: str, keys: LinkKeys, *, version: str | None = None) -> Link | None:
    """The link of one raw value (None when it normalises to nothing)."""
    normal = normalise(kind, value)
    if not normal:
        return None
    version = version or keys.current
    return Link(kind, pseudonym(kind, normal, keys.key(version)), version, mask(kind, normal))
