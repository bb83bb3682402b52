"""The words of the 协议书: weather, kind of collision, point of impact, vehicle type (stored as codes)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weather(models.TextChoices):
    SUNNY = "sunny", _("sunny")
    CLOUDY = "cloudy", _("cloudy")
    RAIN = "rain", _("rain")
    SNOW = "snow", _("snow")
    FOG = "fog", _("fog")


class CollisionForm(models.TextChoices):
    REAR_END = "rear_end", _("rear-end collision")
    SIDE = "side", _("side collision")
    HEAD_ON = "head_on", _("head-on collision")
    SCRAPE = "scrape", _("scrape")
    REVERSING = "reversing", _("collision while reversing")
    DOOR = "door", _("opening door")
    OTHER = "other", _("other")


class CollisionPart(models.TextChoices):
    FRONT = "front", _("front")
    REAR = "rear", _("rear")
    LEFT = "left", _("left side")
    RIGHT = "right", _("right side")
    FRONT_LEFT = "front_left", _("front left")
    FRONT_RIGHT = "front_right", _("front right")
    REAR_LEFT = "rear_left", _("rear left")
    REAR_RIGHT = "rear_right", _("rear right")


class VehicleType(models.TextChoices):
    SMALL_CAR = "small_car", _("small passenger car")
    SMALL_NEV = "small_nev", _("small new-energy car")
    LARGE_CAR = "large_car", _("large passenger vehicle")
    TRUCK = "truck", _("lorry")
    MOTORCYCLE = "motorcycle", _("motorcycle")
    OTHER = "other", _("other")


class Damage(models.TextChoices):
    MINOR_EXTERIOR = "minor_exterior", _("light damage to the body only")
    MAJOR = "major", _("more than light damage")
    UNKNOWN = "unknown", _("not sure yet")
