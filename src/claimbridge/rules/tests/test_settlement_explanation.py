"""Settlement (B2): the explanation a driver or an adjuster reads, line by line, in Chinese and English.

Each answer explains itself: the limits of the accident's date, each vehicle's share of the liability, the rule
that applied (互碰自赔, 无责代赔, a capped commercial cover), one line per payer, payee and cover, and what no
insurance pays. Issue 12: mutation testing showed these sentences could lose their words unnoticed.
"""

from __future__ import annotations

from claimbridge.rules.settlement import settlement_from_document

from .builders import accident, texts, vehicle

LIMITS_2020_ZH = (
    "适用 2020-09-19 起的交强险限额（死亡伤残/医疗费用/财产损失）："
    "有责 180000.00 / 18000.00 / 2000.00，无责 18000.00 / 1800.00 / 100.00。"
)
LIMITS_2020_EN = (
    "the 交强险 limits in force since 2020-09-19 apply (death-disability / medical / property): "
    "liable 180000.00 / 18000.00 / 2000.00, not liable 18000.00 / 1800.00 / 100.00."
)


def example_3() -> dict:
    """Domain facts §2.7 example 3: 甲 fully liable, 乙 not; fire after the collision; injuries on both sides."""
    return accident(
        vehicle("甲", "full", "120000", third_party_limit="250000", own_damage=True, own_damage_limit="300000",
                losses={"salvage": "5000", "medical": "9000"}),
        vehicle("乙", "none", "80000", losses={"salvage": "3000", "other_property": "20000", "medical": "6000"}),
        day="2021-03-10",
    )  # fmt: skip


def test_example_3_is_explained_line_by_line():
    """B2: the limits, both liabilities, one line per payer/payee/cover (heads joined), the uncovered 7,200."""
    result = settlement_from_document(example_3())
    assert texts(result, "zh") == [
        "事故日 2021-03-10 " + LIMITS_2020_ZH,
        "乙 方责任比例 0%，交强险按无责限额赔付。",
        "甲 方责任比例 100%，交强险按有责限额赔付。",
        "乙 方交强险向 甲 方赔付：医疗费用 1800.00 元、财产损失 100.00 元。",
        "甲 方交强险向 乙 方赔付：医疗费用 6000.00 元、财产损失 2000.00 元。",
        "甲 方商业三者险按责任比例 100% 向 乙 方赔付：财产损失 95000.00 元。",
        "甲 方车损险按本方责任 100% 赔付本车剩余车辆损失：财产损失 114900.00 元。",
        "甲 方损失中有 7200.00 元无保险赔付，由责任方或本人自行承担。",
    ]
    assert texts(result, "en") == [
        "For an accident on 2021-03-10 " + LIMITS_2020_EN,
        "乙 bears 0% of the liability: its 交强险 pays within the no-fault limits.",
        "甲 bears 100% of the liability: its 交强险 pays within the liable limits.",
        "乙's 交强险 pays 甲: medical expenses 1800.00, property 100.00.",
        "甲's 交强险 pays 乙: medical expenses 6000.00, property 2000.00.",
        "甲's commercial third-party cover pays 乙 its 100% share: property 95000.00.",
        "甲's own-damage cover pays its 100% share of its remaining vehicle damage: property 114900.00.",
        "7200.00 of 甲's loss is not covered by insurance: the liable party or the victim bears it.",
    ]


def test_mutual_self_compensation_is_explained():
    """B2 (§2.4, example 8): the rule that applied, then each insurer paying its own car."""
    result = settlement_from_document(accident(vehicle("A", "equal", "1500"), vehicle("B", "equal", "1800")))
    assert texts(result, "zh")[1:] == [
        "A 方责任比例 50%，交强险按有责限额赔付。",
        "B 方责任比例 50%，交强险按有责限额赔付。",
        "适用互碰自赔：各方均有责任、车损均在交强险有责财产限额内且无人伤，各保险公司在本车交强险内赔付本车损失，互不追偿。",
        "A 方交强险赔付本车：财产损失 1500.00 元（互碰自赔）。",
        "B 方交强险赔付本车：财产损失 1800.00 元（互碰自赔）。",
    ]
    assert texts(result, "en")[1:] == [
        "A bears 50% of the liability: its 交强险 pays within the liable limits.",
        "B bears 50% of the liability: its 交强险 pays within the liable limits.",
        "互碰自赔 applies: every party is liable, each loss is within the 交强险 property limit and nobody is hurt, "
        "so each insurer pays its own vehicle under its own 交强险 and nothing crosses.",
        "A's 交强险 pays its own vehicle: property 1500.00 (互碰自赔).",
        "B's 交强险 pays its own vehicle: property 1800.00 (互碰自赔).",
    ]


def test_no_fault_proxy_is_explained_with_every_vehicle_named():
    """B2 (§2.5): two liable and two no-fault cars: 100 × 2 ÷ 2 = 100 per liable car, 50 for each no-fault one."""
    document = accident(
        vehicle("A", "0.6", "500"),
        vehicle("B", "0.4", "500"),
        vehicle("C", "none", "300"),
        vehicle("D", "none", "300"),
        no_fault_proxy=True,
    )
    result = settlement_from_document(document)
    assert texts(result, "zh")[1:] == [
        "A 方责任比例 60%，交强险按有责限额赔付。",
        "B 方责任比例 40%，交强险按有责限额赔付。",
        "C 方责任比例 0%，交强险按无责限额赔付。",
        "D 方责任比例 0%，交强险按无责限额赔付。",
        "无责代赔：A、B 方保险公司在本车交强险内代无责方（C、D）赔付本车损失，每辆有责车以 100.00 元为限；"
        "无责方不再赔付车辆损失，无责方之间互不赔付。",
        "A 方交强险代无责的 C 方赔付本车车辆损失 50.00 元（无责代赔）。",
        "A 方交强险代无责的 D 方赔付本车车辆损失 50.00 元（无责代赔）。",
        "A 方交强险向 B 方赔付：财产损失 400.00 元。",
        "A 方交强险向 C 方赔付：财产损失 150.00 元。",
        "A 方交强险向 D 方赔付：财产损失 150.00 元。",
        "B 方交强险向 A 方赔付：财产损失 400.00 元。",
        "B 方交强险代无责的 C 方赔付本车车辆损失 50.00 元（无责代赔）。",
        "B 方交强险代无责的 D 方赔付本车车辆损失 50.00 元（无责代赔）。",
        "B 方交强险向 C 方赔付：财产损失 150.00 元。",
        "B 方交强险向 D 方赔付：财产损失 150.00 元。",
    ]
    en = texts(result, "en")
    assert en[5] == (
        "No-fault proxy (无责代赔): the insurer of each liable vehicle (A, B) pays its own vehicle, on behalf of the "
        "no-fault vehicles (C, D), up to 100.00; the no-fault vehicles then pay no vehicle damage and never pay each "
        "other."
    )
    assert en[6] == "A's 交强险 pays its own vehicle 50.00 on behalf of no-fault C (无责代赔)."
    assert en[8] == "A's 交强险 pays B: property 400.00."


def test_trailers_missing_compulsory_cover_and_a_capped_commercial_cover_are_explained():
    """B2: a tractor's two sets of limits, a car without 交强险, and a commercial share over its limit, each said."""
    document = accident(
        vehicle("T", "primary", "0", ctpl_units=2, third_party_limit="50000"),
        vehicle("U", "secondary", "0", ctpl_units=0),
        vehicle("V", "none", "200000"),
    )
    result = settlement_from_document(document)
    zh, en = texts(result, "zh"), texts(result, "en")
    assert zh[1:4] == [
        "T 方责任比例 70%，交强险按有责限额赔付（主车挂车共 2 份限额）。",
        "U 方责任比例 30%，未投保交强险。",
        "V 方责任比例 0%，交强险按无责限额赔付。",
    ]
    assert en[1:4] == [
        "T bears 70% of the liability: its 交强险 pays within the liable limits (2 sets of limits: tractor and trailer).",
        "U bears 30% of the liability and has no 交强险.",
        "V bears 0% of the liability: its 交强险 pays within the no-fault limits.",
    ]
    # V's 200,000 less T's 4,000 (交强险) is 196,000; T's 70 % of it, 137,200, is over T's 50,000.
    assert "T 方商业三者险应承担 137200.00 元，超过限额 50000.00 元，按限额比例赔付。" in zh
    assert (
        "T's commercial third-party share 137200.00 exceeds its limit 50000.00; each victim is paid in proportion."
        in en
    )
    assert "T 方商业三者险按责任比例 70% 向 V 方赔付：财产损失 50000.00 元。" in zh
    assert "V 方损失中有 146000.00 元无保险赔付，由责任方或本人自行承担。" in zh
    assert not any("T 方损失" in line or "U 方损失" in line for line in zh)  # nothing lost, nothing left uncovered


def test_a_commercial_cover_within_its_limit_adds_no_note():
    """B2: example 1 (70/30): neither commercial share reaches its limit, so no line says one was capped."""
    document = accident(
        vehicle("A", "primary", "20000", third_party_limit="1000000", own_damage=True),
        vehicle("B", "secondary", "30000", third_party_limit="1000000", own_damage=True),
        day="2019-06-01",
    )
    zh = texts(settlement_from_document(document), "zh")
    assert zh[1:] == [
        "A 方责任比例 70%，交强险按有责限额赔付。",
        "B 方责任比例 30%，交强险按有责限额赔付。",
        "A 方交强险向 B 方赔付：财产损失 2000.00 元。",
        "B 方交强险向 A 方赔付：财产损失 2000.00 元。",
        "A 方商业三者险按责任比例 70% 向 B 方赔付：财产损失 19600.00 元。",
        "B 方商业三者险按责任比例 30% 向 A 方赔付：财产损失 5400.00 元。",
        "A 方车损险按本方责任 70% 赔付本车剩余车辆损失：财产损失 12600.00 元。",
        "B 方车损险按本方责任 30% 赔付本车剩余车辆损失：财产损失 8400.00 元。",
    ]
    assert zh[0].startswith("事故日 2019-06-01 适用 2008-02-01 起的交强险限额")
