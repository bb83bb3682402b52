"""Capture time and place from EXIF (GPS is WGS-84). Damaged or missing tags give None, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from PIL import Image

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _DATETIME = 0x9003, 0x9011, 0x0132
_MAKE, _MODEL, _ORIENTATION = 0x010F, 0x0110, 0x0112
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True, slots=True)
class PhotoMetadata:
    taken_at: datetime | None  # timezone-aware; camera local time read as China time unless EXIF names an offset
    latitude: float | None
    longitude: float | None
    camera: str
    orientation: int

    @property
    def has_capture_time(self) -> bool:
        return self.taken_at is not None

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _number(value: Any) -> float | None:
    try:
        if isinstance(value, tuple) and len(value) == 2:
            return float(Fraction(int(value[0]), int(value[1])))
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _degrees(value: Any, ref: Any) -> float | None:
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    degrees, minutes, seconds = (_number(part) for part in value)
    if degrees is None or minutes is None or seconds is None:
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -result if str(ref).strip().upper() in {"S", "W"} else result


def _offset(value: Any) -> timezone | None:
    text = value.decode("ascii", "ignore") if isinstance(value, bytes) else str(value or "")
    text = text.strip().rstrip("\x00")
    if len(text) == 6 and text[0] in "+-" and text[3] == ":":
        try:
            delta = timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))
        except ValueError:
            return None
        return timezone(delta if text[0] == "+" else -delta)
    return None


def _timestamp(value: Any, zone: timezone) -> datetime | None:
    text = value.decode("ascii", "ignore") if isinstance(value, bytes) else str(value or "")
    try:
        return datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S").replace(tzinfo=zone)
    except ValueError:
        return None


def read_metadata(image: Image.Image) -> PhotoMetadata:
    try:
        exif = image.getexif()
        details = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:
        return PhotoMetadata(None, None, None, "", 1)
    zone = _offset(details.get(_OFFSET_TIME_ORIGINAL)) or CHINA_STANDARD_TIME
    taken_at = _timestamp(details.get(_DATETIME_ORIGINAL), zone) or _timestamp(exif.get(_DATETIME), zone)
    latitude = _degrees(gps.get(2), gps.get(1))
    longitude = _degrees(gps.get(4), gps.get(3))
    if (
        latitude is None
        or longitude is None
        or not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
        or (latitude == 0 and longitude == 0)
    ):
        latitude = longitude = None
    camera = " ".join(str(exif.get(tag, "")).strip().rstrip("\x00") for tag in (_MAKE, _MODEL)).strip()
    orientation = exif.get(_ORIENTATION, 1)
    return PhotoMetadata(taken_at, latitude, longitude, camera, orientation if isinstance(orientation, int) else 1)
