"""Does a photo's own metadata agree with the reported accident? Flags for the handler, with the numbers (R10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from claimbridge.photos.exif import PhotoMetadata
from claimbridge.rules.coordinates import distance_m, gcj02_to_wgs84


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # taken_before_accident | far_from_scene | no_capture_time | no_location
    severity: str  # "warning" (look at it) or "note"
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class AccidentReport:
    at: datetime | None
    latitude: float | None  # as reported
    longitude: float | None
    crs: str = "wgs84"  # "gcj02" when the place came from a Chinese map service

    def wgs84(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        if self.crs == "gcj02":
            return gcj02_to_wgs84(self.latitude, self.longitude)
        return self.latitude, self.longitude


def metadata_flags(
    metadata: PhotoMetadata, accident: AccidentReport, *, max_minutes_before: float, max_distance_km: float
) -> list[Flag]:
    flags = []
    if metadata.taken_at is None:
        flags.append(Flag("no_capture_time", "note", "照片没有拍摄时间信息", "The photo carries no capture time"))
    elif accident.at is not None:
        minutes_before = (accident.at - metadata.taken_at) / timedelta(minutes=1)
        if minutes_before > max_minutes_before:
            flags.append(Flag(
                "taken_before_accident", "warning",
                f"拍摄时间比报案的事故时间早 {_duration_zh(minutes_before)}（允许 {max_minutes_before:g} 分钟）",
                f"Taken {_duration_en(minutes_before)} before the reported accident time (allowed: {max_minutes_before:g} min)",
            ))  # fmt: skip
    scene = accident.wgs84()
    if metadata.latitude is None or metadata.longitude is None:
        flags.append(Flag("no_location", "note", "照片没有拍摄位置信息", "The photo carries no location"))
    elif scene is not None:
        kilometres = distance_m(metadata.latitude, metadata.longitude, *scene) / 1000
        if kilometres > max_distance_km:
            flags.append(Flag(
                "far_from_scene", "warning",
                f"拍摄地点距报案的事故地点 {kilometres:.1f} 公里（允许 {max_distance_km:g} 公里）",
                f"Taken {kilometres:.1f} km from the reported accident place (allowed: {max_distance_km:g} km)",
            ))  # fmt: skip
    return flags


def _duration_zh(minutes: float) -> str:
    if minutes >= 2 * 24 * 60:
        return f"{minutes / 1440:.0f} 天"
    if minutes >= 120:
        return f"{minutes / 60:.1f} 小时"
    return f"{minutes:.0f} 分钟"


def _duration_en(minutes: float) -> str:
    if minutes >= 2 * 24 * 60:
        return f"{minutes / 1440:.0f} days"
    if minutes >= 120:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes:.0f} min"
