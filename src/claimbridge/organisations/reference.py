"""The real cities and counties of the integration (NBS 2023 statistical division codes, domain-facts §5.1)."""

from __future__ import annotations

from typing import NamedTuple


class CityRef(NamedTuple):
    code: str
    name: str
    name_en: str
    plate_prefix: str


class CountyRef(NamedTuple):
    code: str
    name: str
    name_en: str
    city_code: str


CITIES = (
    CityRef("620500", "天水市", "Tianshui", "甘E"),
    CityRef("621200", "陇南市", "Longnan", "甘K"),
)

COUNTIES = (
    CountyRef("620502", "秦州区", "Qinzhou District", "620500"),
    CountyRef("620503", "麦积区", "Maiji District", "620500"),
    CountyRef("620521", "清水县", "Qingshui County", "620500"),
    CountyRef("620522", "秦安县", "Qin'an County", "620500"),
    CountyRef("620523", "甘谷县", "Gangu County", "620500"),
    CountyRef("620524", "武山县", "Wushan County", "620500"),
    CountyRef("620525", "张家川回族自治县", "Zhangjiachuan Hui Autonomous County", "620500"),
    CountyRef("621202", "武都区", "Wudu District", "621200"),
    CountyRef("621221", "成县", "Cheng County", "621200"),
    CountyRef("621222", "文县", "Wen County", "621200"),
    CountyRef("621223", "宕昌县", "Tanchang County", "621200"),
    CountyRef("621224", "康县", "Kang County", "621200"),
    CountyRef("621225", "西和县", "Xihe County", "621200"),
    CountyRef("621226", "礼县", "Li County", "621200"),
    CountyRef("621227", "徽县", "Hui County", "621200"),
    CountyRef("621228", "两当县", "Liangdang County", "621200"),
)


def load_reference_geography(city_model: type, county_model: type) -> None:
    """Upsert the two cities and sixteen counties; used by the data migration and by the demo."""
    cities = {}
    for ref in CITIES:
        cities[ref.code], _ = city_model.objects.update_or_create(  # type: ignore[attr-defined]
            code=ref.code,
            defaults={"name": ref.name, "name_en": ref.name_en, "plate_prefix": ref.plate_prefix},
        )
    for county in COUNTIES:
        county_model.objects.update_or_create(  # type: ignore[attr-defined]
            code=county.code,
            defaults={"name": county.name, "name_en": county.name_en, "city": cities[county.city_code]},
        )
