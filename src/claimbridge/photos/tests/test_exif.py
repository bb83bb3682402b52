"""Capture time and place from EXIF (R10): real camera files and phone-style files; damaged or missing is None."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from claimbridge.photos.exif import CHINA_STANDARD_TIME, read_metadata
from claimbridge.photos.tests.samples import EXIF_SAMPLES, encode, jpeg_with_exif, scene


def metadata_of(data: bytes):
    return read_metadata(Image.open(io.BytesIO(data)))


def test_a_real_nikon_file():
    meta = read_metadata(Image.open(EXIF_SAMPLES / "DSCN0010.jpg"))
    assert meta.taken_at.replace(tzinfo=None) == datetime(2008, 10, 22, 16, 28, 39)
    assert meta.latitude == pytest.approx(43.46745, abs=1e-4)
    assert meta.longitude == pytest.approx(11.88513, abs=1e-4)
    assert "NIKON" in meta.camera


def test_a_phone_photo_in_wudu_with_china_time():
    meta = metadata_of(jpeg_with_exif(datetime(2024, 6, 1, 14, 20, 5), 33.3950, 104.9230))
    assert meta.taken_at == datetime(2024, 6, 1, 14, 20, 5, tzinfo=CHINA_STANDARD_TIME)
    assert (meta.latitude, meta.longitude) == pytest.approx((33.3950, 104.9230), abs=1e-5)


def test_an_explicit_offset_is_honoured():
    meta = metadata_of(jpeg_with_exif(datetime(2024, 6, 1, 8, 0), None, None, offset="+02:00"))
    assert meta.taken_at.utcoffset() == timedelta(hours=2)
    assert meta.taken_at.astimezone(UTC).hour == 6
    assert not meta.has_location


def test_southern_and_western_hemispheres_are_negative():
    meta = metadata_of(jpeg_with_exif(None, -33.86, -70.65))
    assert meta.latitude < 0
    assert meta.longitude < 0


def test_no_exif_at_all_is_not_an_error():
    meta = metadata_of(encode(scene(), "PNG"))
    assert meta.taken_at is None
    assert not meta.has_location


def test_a_zero_denominator_or_nonsense_value_is_ignored():
    image = scene()
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (IFDRational(33, 0), IFDRational(10, 1), IFDRational(0, 1))
    gps[3], gps[4] = "E", (IFDRational(104, 1), IFDRational(55, 1), IFDRational(0, 1))
    exif.get_ifd(0x8769)[0x9003] = "not a date"
    meta = metadata_of(encode(image, "JPEG", exif=exif.tobytes()))
    assert meta.taken_at is None
    assert meta.latitude is None
