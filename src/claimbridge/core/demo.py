"""Demo data: the real cities and counties, clearly fictional insurers and people, every role.

Idempotent: running it again updates the same rows and creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from claimbridge.accounts.models import Role, User
from claimbridge.organisations import services as org
from claimbridge.organisations.models import (
    AntiFraudCommittee,
    Association,
    City,
    ClaimsUnit,
    CoordinationGroup,
    County,
    Insurer,
    TrafficPoliceUnit,
)
from claimbridge.organisations.reference import load_reference_geography

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 — printed on purpose: demo accounts only

# Each city's counties grouped by the sub-branch whose claims unit serves them; the first county hosts the unit.
UNIT_PLAN = {
    "621200": [
        ("621202", ["621202", "621222", "621223"]),
        ("621221", ["621221", "621224", "621227", "621228"]),
        ("621226", ["621226", "621225"]),
    ],
    "620500": [
        ("620502", ["620502", "620522", "620523", "620524"]),
        ("620503", ["620503", "620521", "620525"]),
    ],
}


@dataclass(frozen=True)
class DemoInsurer:
    code: str
    name: str
    name_en: str
    short_name: str
    short_name_en: str
    hotline: str
    cities: tuple[str, ...]


INSURERS = (
    DemoInsurer(
        "tianlong",
        "天陇财产保险股份有限公司（演示）",
        "Tianlong Property & Casualty (demo)",
        "天陇财险",
        "Tianlong P&C",
        "95000101",
        ("621200", "620500"),
    ),
    DemoInsurer(
        "maiji",
        "麦积山财产保险股份有限公司（演示）",
        "Maijishan Property & Casualty (demo)",
        "麦积山财险",
        "Maijishan P&C",
        "95000102",
        ("621200", "620500"),
    ),
    DemoInsurer(
        "fuxi",
        "伏羲财产保险股份有限公司（演示）",
        "Fuxi Property & Casualty (demo)",
        "伏羲财险",
        "Fuxi P&C",
        "95000103",
        ("620500", "621200"),
    ),
    DemoInsurer(
        "bailong",
        "白龙江财产保险股份有限公司（演示）",
        "Bailongjiang Property & Casualty (demo)",
        "白龙江财险",
        "Bailongjiang P&C",
        "95000104",
        ("621200",),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


def _user(
    username: str,
    *,
    role: Role,
    full_name: str,
    phone: str,
    logins: list[DemoLogin],
    description: str,
    **orgs: object,
) -> User:
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.full_name = full_name
    user.phone = phone
    for field in ("insurer", "branch", "claims_unit", "association", "committee", "police_unit"):
        setattr(user, field, orgs.get(field))
    user.is_staff = role in (Role.PLATFORM_ADMIN, Role.ASSOCIATION_STAFF)
    user.is_superuser = role == Role.PLATFORM_ADMIN
    user.set_password(DEMO_PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    logins.append(DemoLogin(username, role, description))
    return user


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"
_GIVEN = ["建国", "海燕", "志强", "丽娟", "文博", "晓东", "雪梅", "国庆", "子涵", "嘉怡", "立新", "春华"]


def _fake_person(n: int) -> tuple[str, str]:
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[n % len(_GIVEN)], f"1380000{n:04d}"


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    load_reference_geography(City, County)
    cities = {city.code: city for city in City.objects.all()}
    counties = {county.code: county for county in County.objects.all()}
    logins: list[DemoLogin] = []
    people = iter(range(1, 10_000))
    unit_numbers = iter(range(1, 10_000))

    associations = {}
    for code, name, name_en in (
        ("621200", "陇南市保险行业协会", "Longnan Insurance Association"),
        ("620500", "天水市保险行业协会", "Tianshui Insurance Association"),
    ):
        associations[code], _ = Association.objects.update_or_create(
            city=cities[code], defaults={"name": name, "name_en": name_en}
        )
    group, _ = CoordinationGroup.objects.update_or_create(
        name="陇南天水车险服务标准化协调工作组",
        defaults={"name_en": "Longnan–Tianshui Motor Claims Service Coordination Group"},
    )
    group.associations.set(associations.values())
    committee, _ = AntiFraudCommittee.objects.update_or_create(
        name="陇南天水保险业反欺诈工作委员会",
        defaults={"name_en": "Longnan–Tianshui Insurance Anti-Fraud Committee"},
    )
    committee.associations.set(associations.values())
    for code, name, name_en in (
        ("621200", "陇南市公安局交通警察支队", "Longnan Traffic Police Detachment"),
        ("620500", "天水市公安局交通警察支队", "Tianshui Traffic Police Detachment"),
    ):
        TrafficPoliceUnit.objects.update_or_create(
            city=cities[code], county=None, defaults={"name": name, "name_en": name_en, "phone": "122"}
        )
    TrafficPoliceUnit.objects.update_or_create(
        city=cities["621200"],
        county=counties["621202"],
        defaults={
            "name": "武都区道路交通事故快速处理中心",
            "name_en": "Wudu Quick Accident Handling Centre",
            "phone": "122",
        },
    )

    first_units: dict[tuple[str, str], ClaimsUnit] = {}
    insurers: dict[str, Insurer] = {}
    for spec in INSURERS:
        insurer = org.insurer_upsert(
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            short_name=spec.short_name,
            short_name_en=spec.short_name_en,
            hotline=spec.hotline,
        )
        insurers[spec.code] = insurer
        assignments = {}
        for city_code in spec.cities:
            city = cities[city_code]
            org.branch_upsert(
                insurer=insurer,
                city=city,
                name=f"{spec.short_name}{city.name}中心支公司",
                name_en=f"{spec.short_name_en} {city.name_en} Branch",
            )
            for host_code, served in UNIT_PLAN[city_code]:
                host = counties[host_code]
                sub = org.branch_upsert(
                    insurer=insurer,
                    city=city,
                    county=host,
                    name=f"{spec.short_name}{host.name}支公司",
                    name_en=f"{spec.short_name_en} {host.name_en} Sub-branch",
                )
                unit = org.claims_unit_upsert(
                    branch=sub,
                    name=f"{spec.short_name}{host.name}理赔分部",
                    name_en=f"{spec.short_name_en} {host.name_en} Claims Unit",
                    phone=f"0{'939' if city_code == '621200' else '938'}-{8000000 + next(unit_numbers):07d}",
                    address=f"{city.name}{host.name}示例路{next(unit_numbers)}号",
                    hours="08:30–18:00",
                )
                first_units.setdefault((spec.code, city_code), unit)
                for county_code in served:
                    assignments[counties[county_code]] = unit
        org.service_area_set(insurer=insurer, assignments=assignments)

    _user(
        "admin",
        role=Role.PLATFORM_ADMIN,
        full_name="平台管理员",
        phone="13800009999",
        logins=logins,
        description="platform administrator (Django admin too)",
    )
    admins = _association_admin_group()
    for code, username in (("621200", "ln_assoc"), ("620500", "ts_assoc")):
        name, phone = _fake_person(next(people))
        user = _user(
            username,
            role=Role.ASSOCIATION_STAFF,
            full_name=name,
            phone=phone,
            logins=logins,
            description=f"association staff, {cities[code].name_en}",
            association=associations[code],
        )
        user.groups.add(admins)
    name, phone = _fake_person(next(people))
    _user(
        "antifraud",
        role=Role.ANTIFRAUD_MEMBER,
        full_name=name,
        phone=phone,
        logins=logins,
        description="anti-fraud committee member, the joint committee of both cities",
        committee=committee,
    )
    name, phone = _fake_person(next(people))
    _user(
        "regulator",
        role=Role.REGULATOR,
        full_name=name,
        phone=phone,
        logins=logins,
        description="regulator (read-only statistics)",
    )
    # R20: each city's traffic police (fixed people: the generated ones of the accounts below stay as they were)
    for code, username, name, phone in (("621200", "police_ln", "白警官", "13800009901"),
                                        ("620500", "police_ts", "石警官", "13800009902")):  # fmt: skip
        _user(username, role=Role.TRAFFIC_POLICE, full_name=name, phone=phone, logins=logins,
              description=f"traffic police, {cities[code].name_en} detachment",
              police_unit=TrafficPoliceUnit.objects.get(city=cities[code], county=None))  # fmt: skip

    for spec in INSURERS:
        insurer = insurers[spec.code]
        name, phone = _fake_person(next(people))
        _user(
            f"{spec.code}_hq",
            role=Role.INSURER_STAFF,
            full_name=name,
            phone=phone,
            logins=logins,
            description=f"{spec.short_name_en} staff, whole company",
            insurer=insurer,
        )
        home_city = spec.cities[0]
        city_branch = insurer.branches.get(level="city", city__code=home_city)
        name, phone = _fake_person(next(people))
        _user(
            f"{spec.code}_branch",
            role=Role.INSURER_STAFF,
            full_name=name,
            phone=phone,
            logins=logins,
            description=f"{spec.short_name_en} staff, {cities[home_city].name_en} branch",
            insurer=insurer,
            branch=city_branch,
        )
        for index, city_code in enumerate(spec.cities, start=1):
            unit = first_units[(spec.code, city_code)]
            name, phone = _fake_person(next(people))
            _user(
                f"{spec.code}_unit{index}",
                role=Role.INSURER_STAFF,
                full_name=name,
                phone=phone,
                logins=logins,
                description=f"{spec.short_name_en} staff, one claims unit",
                insurer=insurer,
                claims_unit=unit,
            )
            name, phone = _fake_person(next(people))
            _user(
                f"{spec.code}_adj{index}",
                role=Role.ADJUSTER,
                full_name=name,
                phone=phone,
                logins=logins,
                description=f"{spec.short_name_en} adjuster, {cities[city_code].name_en}",
                insurer=insurer,
                claims_unit=unit,
            )

    for username, description in (
        ("driver_ln", "driver insured in Longnan (甘K)"),
        ("driver_ts", "driver insured in Tianshui (甘E)"),
    ):
        name, phone = _fake_person(next(people))
        _user(username, role=Role.DRIVER, full_name=name, phone=phone, logins=logins, description=description)
    _demo_service_points(counties)
    for suffix, limit in (("_hq", 500_000), ("_branch", 50_000), ("_unit1", 5_000), ("_unit2", 5_000)):
        User.objects.filter(role=Role.INSURER_STAFF, username__endswith=suffix).update(approval_limit=limit)
    return logins


def _demo_service_points(counties: dict[str, County]) -> None:
    """Every county gets the four kinds of place a driver may be sent to (R14.2); names and addresses are demo."""
    from claimbridge.cases.models import ServicePoint

    kinds = (
        ("quick_claims_centre", "快处快赔中心", "quick-claims centre", "08:00–20:00"),
        ("traffic_police", "交警大队事故处理中队", "traffic police accident squad", "00:00–24:00"),
        ("assessment_point", "车险定损中心", "motor loss-assessment point", "08:30–18:00"),
        ("dealer", "汽车 4S 店", "4S dealer", "08:30–18:00"),
    )
    for county in counties.values():
        for number, (kind, name, name_en, hours) in enumerate(kinds, start=1):
            ServicePoint.objects.update_or_create(
                county=county, kind=kind,
                defaults={"name": f"{county.name}{name}（演示）", "name_en": f"{county.name_en} {name_en} (demo)",
                          "address": f"{county.name}演示路 {number * 18} 号", "hours": hours,
                          "phone": f"0{'939' if county.city.code == '621200' else '938'}-{6100000 + int(county.code[-2:]) * 10 + number}"},
            )  # fmt: skip


def _association_admin_group() -> Group:
    """Association staff manage organisation data in the admin; user accounts stay with platform admins."""
    group, _ = Group.objects.get_or_create(name="association-admins")
    group.permissions.set(Permission.objects.filter(content_type__app_label="organisations"))
    return group
