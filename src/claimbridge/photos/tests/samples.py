"""Files built on the fly for the tests: every accepted format, and every kind of bad file."""

from __future__ import annotations

import io
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pillow_heif
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

pillow_heif.register_heif_opener()

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
CAR_PHOTOS = DATA / "car_photos"
EXIF_SAMPLES = DATA / "exif_samples"


def scene(width: int = 640, height: int = 480, seed: int = 0) -> Image.Image:
    """A picture with structure (so perceptual hashes mean something), different per seed."""
    image = Image.new("RGB", (width, height), (40 + seed * 20 % 200, 90, 140))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x = (i * 97 + seed * 53) % width
        y = (i * 61 + seed * 29) % height
        draw.rectangle(
            (x, y, x + width // 5, y + height // 6),
            fill=((i * 40 + seed * 70) % 255, (i * 90) % 255, (seed * 30) % 255),
        )
        draw.ellipse(
            (width - x - 60, height - y - 40, width - x, height - y), fill=(255 - i * 15, (seed * 11) % 255, i * 20)
        )
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _rational(value: float) -> IFDRational:
    fraction = Fraction(value).limit_denominator(1_000_000)
    return IFDRational(fraction.numerator, fraction.denominator)


def jpeg_with_exif(taken: datetime | None, latitude: float | None, longitude: float | None, *, seed: int = 1,
                   offset: str | None = None, size: tuple[int, int] = (640, 480)) -> bytes:  # fmt: skip
    """A JPEG as a phone writes it: DateTimeOriginal (camera local time) and GPS in WGS-84 degrees/minutes/seconds."""
    image = scene(*size, seed=seed)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "TestPhone", "Model 1"
    details = exif.get_ifd(0x8769)
    if taken is not None:
        details[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            details[0x9011] = offset
    if latitude is not None and longitude is not None:
        gps = exif.get_ifd(0x8825)

        def dms(value: float) -> tuple[IFDRational, ...]:
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            seconds = (value - degrees - minutes / 60) * 3600
            return (IFDRational(degrees, 1), IFDRational(minutes, 1), _rational(seconds))

        gps[1], gps[2] = ("N" if latitude >= 0 else "S"), dms(latitude)
        gps[3], gps[4] = ("E" if longitude >= 0 else "W"), dms(longitude)
    return encode(image, "JPEG", exif=exif.tobytes(), quality=90)


def minimal_mp4(seconds: float = 5.0, *, version: int = 0, brand: bytes = b"isom") -> bytes:
    """An ISO base media file with ftyp, moov/mvhd and an mdat: what a phone's MP4 looks like structurally."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    timescale = 1000
    duration = int(seconds * timescale)
    if version == 0:
        mvhd = bytes([0, 0, 0, 0]) + bytes(8) + timescale.to_bytes(4, "big") + duration.to_bytes(4, "big") + bytes(80)
    else:
        mvhd = bytes([1, 0, 0, 0]) + bytes(16) + timescale.to_bytes(4, "big") + duration.to_bytes(8, "big") + bytes(80)
    ftyp = box(b"ftyp", brand + (512).to_bytes(4, "big") + brand + b"mp41")
    return ftyp + box(b"moov", box(b"mvhd", mvhd)) + box(b"mdat", bytes(4096))
