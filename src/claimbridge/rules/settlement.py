"""Who pays whom after an accident between any number of vehicles (B2): 交强险 first, then commercial cover.

Order of work, per loss head (property, medical, death-disability):
1. 互碰自赔 (mutual-collision self-compensation) when it applies: each insurer pays its own vehicle's loss under its
   own 交强险 and nothing crosses.
2. 无责代赔: each liable vehicle's insurer pays its own vehicle, on behalf of the no-fault vehicles, their no-fault
   property limit shared among the liable vehicles; the no-fault vehicles then pay no vehicle damage.
3. 交强险 apportionment (交强险理赔实务规程): every victim's loss is shared among the other insured vehicles in
   proportion to their limits; a payer asked for more than its limit is scaled down; an unmet victim is then topped
   up from limits still unused, round after round, until either every loss or every usable limit is exhausted.
4. The rest of each loss by liability ratio: each other vehicle's commercial third-party cover pays its share
   (within its limit, less its deductible rate); the victim vehicle's own share of its vehicle damage comes from its
   own-damage cover; what nobody covers is reported as uncovered.

Arithmetic is exact decimal; amounts are rounded to the fen only at the end, group by group, so that no payer's
rounded payments under one cover exceed its limit and no victim receives more than its loss.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, NamedTuple

from claimbridge.rules.common import CENT, ONE, ZERO, RuleInputError, Text, money, percent
from claimbridge.rules.ctpl import HEAD_NAMES, HEADS, CtplLimits, ctpl_limits_on
from claimbridge.rules.inputs import Fields, liability_ratio

COVERS = ("ctpl", "third_party", "own_damage")
COVER_NAMES = {
    "ctpl": ("交强险", "compulsory (交强险)"),
    "third_party": ("商业三者险", "commercial third-party"),
    "own_damage": ("车损险", "own-damage"),
}
_EPSILON = Decimal("1e-12")


@dataclass(frozen=True, slots=True)
class VehicleLosses:
    vehicle: Decimal = ZERO
    other_property: Decimal = ZERO  # goods carried (车上财产)
    medical: Decimal = ZERO  # of its occupants
    death_disability: Decimal = ZERO
    salvage: Decimal = ZERO  # 残值, deducted from the vehicle loss

    @property
    def vehicle_net(self) -> Decimal:
        return self.vehicle - self.salvage


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: str
    ratio: Decimal
    ctpl_units: int = 1
    third_party_limit: Decimal = ZERO
    own_damage: bool = False
    own_damage_limit: Decimal | None = None
    deductible_rate: Decimal = ZERO
    losses: VehicleLosses = field(default_factory=VehicleLosses)

    @property
    def liable(self) -> bool:
        return self.ratio > ZERO

    def head_loss(self, head: str) -> Decimal:
        if head == "property":
            return self.losses.vehicle_net + self.losses.other_property
        return self.losses.medical if head == "medical" else self.losses.death_disability


@dataclass(frozen=True, slots=True)
class OtherVictim:
    id: str
    property: Decimal = ZERO
    medical: Decimal = ZERO
    death_disability: Decimal = ZERO

    def head_loss(self, head: str) -> Decimal:
        loss: Decimal = getattr(self, head)
        return loss


@dataclass(frozen=True, slots=True)
class Accident:
    accident_date: date
    vehicles: tuple[Vehicle, ...]
    other_victims: tuple[OtherVictim, ...] = ()
    no_fault_proxy: bool = False
    mutual_self_compensation: bool | str = "auto"  # True: required, False: never, "auto": when its conditions hold


class Payment(NamedTuple):
    payer: str
    payee: str
    cover: str
    head: str
    amount: Decimal
    on_behalf_of: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "payer": self.payer,
            "payee": self.payee,
            "cover": self.cover,
            "head": self.head,
            "amount": str(self.amount),
            "on_behalf_of": self.on_behalf_of,
        }  # rounded to the fen already


@dataclass(frozen=True, slots=True)
class Settlement:
    limits: CtplLimits
    payments: tuple[Payment, ...]
    losses: dict[str, Decimal]
    received: dict[str, Decimal]
    uncovered: dict[str, Decimal]
    mutual_self_compensation: bool
    no_fault_proxy: bool
    explanation: tuple[Text, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "limits": self.limits.as_dict(),
            "mutual_self_compensation": self.mutual_self_compensation,
            "no_fault_proxy": self.no_fault_proxy,
            "payments": [payment.as_dict() for payment in self.payments],
            "summary": {
                victim: {
                    "loss": money(loss),
                    "received": money(self.received[victim]),
                    "uncovered": money(self.uncovered[victim]),
                }
                for victim, loss in self.losses.items()
            },
            "uncovered": {victim: money(amount) for victim, amount in self.uncovered.items()},
            "explanation": [text.as_dict() for text in self.explanation],
        }


_Key = tuple[str, str, str, str, str]  # payer, payee, cover, head, on behalf of ("" when not a proxy payment)


class _Ledger:
    """Exact amounts by (payer, payee, cover, head, on behalf of) until the final rounding."""

    def __init__(self) -> None:
        self.rows: dict[_Key, Decimal] = {}

    def pay(self, payer: str, payee: str, cover: str, head: str, amount: Decimal, on_behalf_of: str = "") -> None:
        if amount > ZERO:
            key = (payer, payee, cover, head, on_behalf_of)
            self.rows[key] = self.rows.get(key, ZERO) + amount


def mutual_self_compensation_failures(accident: Accident, limits: CtplLimits) -> list[Text]:
    """The conditions of 互碰自赔 (2009) that do not hold; empty when it applies."""
    failures = []
    vehicles = accident.vehicles
    if len(vehicles) < 2 or any(v.ctpl_units == 0 for v in vehicles):
        failures.append(Text("须两车或多车互碰且各方均投保交强险", "every vehicle (two or more) must hold 交强险"))
    if any(v.losses.medical or v.losses.death_disability for v in vehicles) or any(
        victim.property or victim.medical or victim.death_disability for victim in accident.other_victims
    ):
        failures.append(Text("不得涉及人员伤亡或车外财产损失", "no injury and no loss outside the vehicles"))
    if any(not v.liable for v in vehicles):
        failures.append(Text("各方均须负有责任（同等或主次责任）", "every party must bear some liability"))
    over = [
        v.id for v in vehicles if v.head_loss("property") > limits.limit("property", liable=True) * max(v.ctpl_units, 1)
    ]
    if over:
        failures.append(
            Text(
                f"{'、'.join(over)} 方车损超过交强险有责财产损失限额",
                f"the loss of {', '.join(over)} exceeds the 交强险 property limit",
            )
        )
    return failures


def _ctpl_capacity(vehicle: Vehicle, limits: CtplLimits, head: str) -> Decimal:
    return limits.limit(head, liable=vehicle.liable) * vehicle.ctpl_units


def _apportion(
    needs: dict[str, Decimal], capacity: dict[str, Decimal], may_pay: dict[str, list[str]]
) -> dict[tuple[str, str], Decimal]:
    """交强险 apportionment for one head: proportional to limits, capped, then topped up from unused limits."""
    paid: dict[tuple[str, str], Decimal] = {}
    for _ in range(len(capacity) + 2):  # each round either meets every need or exhausts at least one payer
        shares: dict[tuple[str, str], Decimal] = {}
        asked: dict[str, Decimal] = {}
        for victim, need in needs.items():
            if need <= _EPSILON:
                continue
            payers = [p for p in may_pay[victim] if capacity[p] > _EPSILON]
            if not payers:
                continue
            pool = sum([capacity[p] for p in payers], ZERO)
            for payer in payers:
                share = need * capacity[payer] / pool
                shares[(payer, victim)] = share
                asked[payer] = asked.get(payer, ZERO) + share
        if not shares:
            break
        exhausted = {payer for payer, total in asked.items() if total >= capacity[payer] - _EPSILON}
        for (payer, victim), share in shares.items():
            total = asked[payer]
            amount = share * capacity[payer] / total if total > capacity[payer] else share
            key = (payer, victim)
            paid[key] = paid.get(key, ZERO) + amount
            needs[victim] -= amount
        for payer, total in asked.items():
            capacity[payer] = ZERO if payer in exhausted else capacity[payer] - total
        if not exhausted:
            break
    return paid


def settle(accident: Accident) -> Settlement:
    limits = ctpl_limits_on(accident.accident_date)
    vehicles = sorted(accident.vehicles, key=lambda v: v.id)  # the result must not depend on input order
    victims_other = sorted(accident.other_victims, key=lambda v: v.id)
    ledger = _Ledger()
    notes: list[Text] = []

    mutual = False
    could_apply = len(vehicles) > 1 and all(v.liable and v.ctpl_units for v in vehicles)
    if accident.mutual_self_compensation is True or (accident.mutual_self_compensation == "auto" and could_apply):
        failures = mutual_self_compensation_failures(accident, limits)
        if accident.mutual_self_compensation is True and failures:
            reasons_zh = "；".join(text.zh for text in failures)
            reasons_en = "; ".join(text.en for text in failures)
            raise RuleInputError(
                "mutual_self_compensation",
                f"不符合互碰自赔条件：{reasons_zh}",
                f"互碰自赔 (mutual self-compensation) does not apply: {reasons_en}",
            )
        mutual = not failures
    if mutual:
        for vehicle in vehicles:
            ledger.pay(vehicle.id, vehicle.id, "ctpl", "property", vehicle.head_loss("property"))
        notes.append(
            Text(
                "适用互碰自赔：各方均有责任、车损均在交强险有责财产限额内且无人伤，各保险公司在本车交强险内赔付本车损失，互不追偿。",
                "互碰自赔 applies: every party is liable, each loss is within the 交强险 property limit and "
                "nobody is hurt, so each insurer pays its own vehicle under its own 交强险 and nothing crosses.",
            )
        )
        return _finish(accident, limits, vehicles, victims_other, ledger, notes, mutual=True, proxy=False)

    proxied_for: dict[str, Decimal] = defaultdict(lambda: ZERO)  # no-fault vehicle → paid on its behalf
    liable = [v for v in vehicles if v.liable and v.ctpl_units > 0]
    no_fault = [v for v in vehicles if not v.liable and v.ctpl_units > 0]
    proxy = accident.no_fault_proxy and bool(liable) and bool(no_fault)
    if proxy:
        owed = {v.id: limits.limit("property", liable=False) * v.ctpl_units for v in no_fault}
        pool = sum(owed.values(), ZERO)
        per_liable = pool / len(liable)
        for vehicle in liable:
            amount = min(vehicle.losses.vehicle_net, per_liable)
            for absent, share in owed.items():
                part = amount * share / pool
                ledger.pay(vehicle.id, vehicle.id, "ctpl", "property", part, on_behalf_of=absent)
                proxied_for[absent] += part
        notes.append(
            Text(
                f"无责代赔：{'、'.join(v.id for v in liable)} 方保险公司在本车交强险内代无责方（{'、'.join(owed)}）赔付本车损失，"
                f"每辆有责车以 {money(per_liable)} 元为限；无责方不再赔付车辆损失，无责方之间互不赔付。",
                f"No-fault proxy (无责代赔): the insurer of each liable vehicle ({', '.join(v.id for v in liable)}) pays its own "
                f"vehicle, on behalf of the no-fault vehicles ({', '.join(owed)}), up to {money(per_liable)}; the no-fault "
                f"vehicles then pay no vehicle damage and never pay each other.",
            )
        )

    victim_ids = [v.id for v in vehicles] + [v.id for v in victims_other]
    losses_by_head = {
        head: {**{v.id: v.head_loss(head) for v in vehicles}, **{v.id: v.head_loss(head) for v in victims_other}}
        for head in HEADS
    }
    remaining: dict[str, dict[str, Decimal]] = {}
    no_fault_ids = {v.id for v in no_fault}
    vehicle_ids = {v.id for v in vehicles}
    for head in HEADS:
        needs = dict(losses_by_head[head])
        capacity = {v.id: _ctpl_capacity(v, limits, head) for v in vehicles if v.ctpl_units > 0}
        if proxy and head == "property":
            for vehicle_id in no_fault_ids:
                capacity[vehicle_id] = max(ZERO, capacity[vehicle_id] - proxied_for[vehicle_id])
            for key, amount in ledger.rows.items():
                needs[key[1]] -= amount
        may_pay = {
            victim: [
                payer
                for payer in capacity
                if payer != victim
                and not (proxy and head == "property" and payer in no_fault_ids and victim in vehicle_ids)
            ]
            for victim in victim_ids
        }
        for (payer, victim), amount in _apportion(needs, capacity, may_pay).items():
            ledger.pay(payer, victim, "ctpl", head, amount)
        remaining[head] = needs

    _commercial(vehicles, victims_other, remaining, ledger, notes)
    return _finish(accident, limits, vehicles, victims_other, ledger, notes, mutual=False, proxy=proxy)


def _commercial(
    vehicles: list[Vehicle],
    others: list[OtherVictim],
    remaining: dict[str, dict[str, Decimal]],
    ledger: _Ledger,
    notes: list[Text],
) -> None:
    claims: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(dict)  # payer → (victim, head) → share
    for head in HEADS:
        for victim, rest in remaining[head].items():
            if rest <= _EPSILON:
                continue
            for payer in vehicles:
                if payer.id != victim and payer.liable and payer.third_party_limit > ZERO:
                    claims[payer.id][(victim, head)] = rest * payer.ratio
    for payer in vehicles:
        asked = claims.get(payer.id)
        if not asked:
            continue
        total = sum(asked.values(), ZERO)
        scale = payer.third_party_limit / total if total > payer.third_party_limit else ONE
        if scale < ONE:
            notes.append(
                Text(
                    f"{payer.id} 方商业三者险应承担 {money(total)} 元，超过限额 {money(payer.third_party_limit)} 元，按限额比例赔付。",
                    f"{payer.id}'s commercial third-party share {money(total)} exceeds its limit "
                    f"{money(payer.third_party_limit)}; each victim is paid in proportion.",
                )
            )
        for (victim, head), share in asked.items():
            ledger.pay(payer.id, victim, "third_party", head, share * scale * (ONE - payer.deductible_rate))
    for vehicle in vehicles:
        rest = remaining["property"].get(vehicle.id, ZERO)
        if not vehicle.own_damage or not vehicle.liable or rest <= _EPSILON:
            continue
        goods, damage = vehicle.losses.other_property, vehicle.losses.vehicle_net
        vehicle_part = rest * damage / (damage + goods) if damage + goods > ZERO else ZERO
        own_share = vehicle_part * vehicle.ratio
        if vehicle.own_damage_limit is not None:
            own_share = min(own_share, vehicle.own_damage_limit)
        ledger.pay(vehicle.id, vehicle.id, "own_damage", "property", own_share * (ONE - vehicle.deductible_rate))


def _round(ledger: _Ledger, losses: dict[str, Decimal]) -> list[Payment]:
    """Round to the fen group by group (payer and cover, per head for 交强险) by largest remainder.

    Only rows with fractions of a fen take part: a group's rounded total is its whole fen plus its rounded fractions.
    """
    rows = ledger.rows
    floors = {key: amount.quantize(CENT, rounding=ROUND_DOWN) for key, amount in rows.items()}
    fractional = [key for key, amount in floors.items() if amount != rows[key]]
    if fractional:
        headroom = dict(losses)
        for key, amount in floors.items():
            headroom[key[1]] -= amount
        groups: dict[tuple[str, str, str, bool], list[_Key]] = {}
        for key in fractional:  # insertion order is deterministic: ids are visited sorted
            groups.setdefault((key[0], key[2], key[3] if key[2] == "ctpl" else "", key[4] != ""), []).append(key)
        for keys in groups.values():
            parts = sum([rows[k] - floors[k] for k in keys], ZERO)
            cents = int(parts.quantize(CENT, rounding=ROUND_HALF_UP) / CENT)
            ranked = (
                keys if len(keys) == 1 else sorted(keys, key=lambda k: floors[k] - rows[k])
            )  # largest remainder first
            for key in ranked:
                if cents == 0:
                    break
                if headroom[key[1]] >= CENT:
                    floors[key] += CENT
                    headroom[key[1]] -= CENT
                    cents -= 1
    # 交强险 first, then commercial cover, then own damage; within each, by payer, payee and head.
    ordered = sorted(floors.items(), key=lambda item: (_COVER_RANK[item[0][2]], item[0]))
    return [Payment(k[0], k[1], k[2], k[3], amount, k[4] or None) for k, amount in ordered if amount]


_COVER_RANK = {cover: rank for rank, cover in enumerate(COVERS)}


def _finish(
    accident: Accident,
    limits: CtplLimits,
    vehicles: list[Vehicle],
    others: list[OtherVictim],
    ledger: _Ledger,
    notes: list[Text],
    *,
    mutual: bool,
    proxy: bool,
) -> Settlement:
    losses = {v.id: sum((v.head_loss(h) for h in HEADS), ZERO) for v in vehicles}
    losses.update({v.id: sum((v.head_loss(h) for h in HEADS), ZERO) for v in others})
    payments = _round(ledger, losses)
    received: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for payment in payments:
        received[payment.payee] += payment.amount
    uncovered = {victim: loss - received[victim] for victim, loss in losses.items()}
    explanation = [_limits_text(accident.accident_date, limits)]
    explanation += [_liability_text(v, limits) for v in vehicles]
    explanation += notes
    ratios = {v.id: percent(v.ratio) for v in vehicles}
    explanation += _payment_texts(payments, ratios)
    explanation += [
        Text(
            f"{victim} 方损失中有 {money(amount)} 元无保险赔付，由责任方或本人自行承担。",
            f"{money(amount)} of {victim}'s loss is not covered by insurance: the liable party or the victim bears it.",
        )
        for victim, amount in uncovered.items()
        if amount > ZERO
    ]
    return Settlement(limits, tuple(payments), losses, dict(received), uncovered, mutual, proxy, tuple(explanation))


def _limits_text(day: date, limits: CtplLimits) -> Text:
    liable, not_liable = _limit_rows(limits.effective_from)
    since = limits.effective_from.isoformat()
    return Text(
        f"事故日 {day.isoformat()} 适用 {since} 起的交强险限额（死亡伤残/医疗费用/财产损失）：有责 {liable}，无责 {not_liable}。",
        f"For an accident on {day.isoformat()} the 交强险 limits in force since {since} apply (death-disability / "
        f"medical / property): liable {liable}, not liable {not_liable}.",
    )


@cache
def _limit_rows(effective_from: date) -> tuple[str, str]:
    limits = ctpl_limits_on(effective_from)
    heads = ("death_disability", "medical", "property")
    return tuple(" / ".join(money(limits.limit(h, liable=liable)) for h in heads) for liable in (True, False))  # type: ignore[return-value]


def _liability_text(vehicle: Vehicle, limits: CtplLimits) -> Text:
    units = f"（主车挂车共 {vehicle.ctpl_units} 份限额）" if vehicle.ctpl_units > 1 else ""
    units_en = f" ({vehicle.ctpl_units} sets of limits: tractor and trailer)" if vehicle.ctpl_units > 1 else ""
    if vehicle.ctpl_units == 0:
        return Text(
            f"{vehicle.id} 方责任比例 {percent(vehicle.ratio)}，未投保交强险。",
            f"{vehicle.id} bears {percent(vehicle.ratio)} of the liability and has no 交强险.",
        )
    grade = ("有责", "liable") if vehicle.liable else ("无责", "no-fault")
    return Text(
        f"{vehicle.id} 方责任比例 {percent(vehicle.ratio)}，交强险按{grade[0]}限额赔付{units}。",
        f"{vehicle.id} bears {percent(vehicle.ratio)} of the liability: its 交强险 pays within the {grade[1]} "
        f"limits{units_en}.",
    )


def _payment_texts(payments: list[Payment], ratios: dict[str, str]) -> list[Text]:
    """One line per payer, payee and cover, naming each head paid."""
    lines: dict[tuple[str, str, str, str | None], list[Payment]] = {}
    for payment in payments:
        lines.setdefault((payment.payer, payment.payee, payment.cover, payment.on_behalf_of), []).append(payment)
    texts = []
    for (payer, payee, cover, behalf), rows in lines.items():
        zh = "、".join(f"{HEAD_NAMES[p.head][0]} {p.amount} 元" for p in rows)  # amounts are rounded to the fen already
        en = ", ".join(f"{HEAD_NAMES[p.head][1]} {p.amount}" for p in rows)
        ratio = ratios[payer]
        if behalf:
            texts.append(
                Text(
                    f"{payer} 方交强险代无责的 {behalf} 方赔付本车车辆损失 {rows[0].amount} 元（无责代赔）。",
                    f"{payer}'s 交强险 pays its own vehicle {rows[0].amount} on behalf of no-fault {behalf} (无责代赔).",
                )
            )
        elif cover == "ctpl" and payer == payee:
            texts.append(
                Text(
                    f"{payer} 方交强险赔付本车：{zh}（互碰自赔）。",
                    f"{payer}'s 交强险 pays its own vehicle: {en} (互碰自赔).",
                )
            )
        elif cover == "own_damage":
            texts.append(
                Text(
                    f"{payer} 方车损险按本方责任 {ratio} 赔付本车剩余车辆损失：{zh}。",
                    f"{payer}'s own-damage cover pays its {ratio} share of its remaining vehicle damage: {en}.",
                )
            )
        elif cover == "ctpl":
            texts.append(Text(f"{payer} 方交强险向 {payee} 方赔付：{zh}。", f"{payer}'s 交强险 pays {payee}: {en}."))
        else:
            texts.append(
                Text(
                    f"{payer} 方商业三者险按责任比例 {ratio} 向 {payee} 方赔付：{zh}。",
                    f"{payer}'s commercial third-party cover pays {payee} its {ratio} share: {en}.",
                )
            )
    return texts


# --- reading the JSON document -------------------------------------------------------------------------------

_VEHICLE_LOSSES = ("vehicle", "other_property", "medical", "death_disability", "salvage")
_VICTIM_LOSSES = ("property", "medical", "death_disability")


def _read_vehicle(fields: Fields) -> Vehicle:
    vehicle_id = fields.text("id")
    ratio = liability_ratio(fields)
    assert ratio is not None
    losses_fields = fields.fields("losses") if fields.has("losses") else Fields({}, fields.path("losses"))
    amounts = {name: losses_fields.money(name, default=ZERO) for name in _VEHICLE_LOSSES}
    losses_fields.done()
    if amounts["salvage"] > amounts["vehicle"]:
        raise RuleInputError(
            losses_fields.path("salvage"), "残值不能大于车辆损失", "salvage cannot exceed the vehicle loss"
        )
    deductible = fields.fraction("deductible_rate", default=ZERO)
    if deductible >= ONE:
        raise RuleInputError(fields.path("deductible_rate"), "免赔率应小于 1", "the deductible rate must be below 1")
    own_damage_limit = fields.money("own_damage_limit") if fields.has("own_damage_limit") else None
    vehicle = Vehicle(
        id=vehicle_id,
        ratio=ratio,
        ctpl_units=fields.integer("ctpl_units", low=0, high=2, default=1),
        third_party_limit=fields.money("third_party_limit", default=ZERO),
        own_damage=fields.boolean("own_damage", default=False),
        own_damage_limit=own_damage_limit,
        deductible_rate=deductible,
        losses=VehicleLosses(**amounts),
    )
    fields.done()
    return vehicle


def _read_victim(fields: Fields) -> OtherVictim:
    victim_id = fields.text("id")
    losses = fields.fields("losses")
    amounts = {name: losses.money(name, default=ZERO) for name in _VICTIM_LOSSES}
    losses.done()
    fields.done()
    return OtherVictim(victim_id, **amounts)


def read_settlement(document: Any) -> Accident:
    fields = Fields(document)
    day = fields.day("accident_date")
    vehicles = tuple(_read_vehicle(Fields(item, path)) for path, item in fields.items("vehicles", at_least=1))
    others = tuple(_read_victim(Fields(item, path)) for path, item in fields.items("other_victims", default=[]))
    ids = [v.id for v in vehicles] + [v.id for v in others]
    if any(not identifier.strip() for identifier in ids) or len(set(ids)) != len(ids):
        raise RuleInputError(
            "vehicles", "车辆与其他受害方的编号须唯一且非空", "vehicle and victim ids must be unique and not empty"
        )
    total = sum((v.ratio for v in vehicles), ZERO)
    if total > ONE:
        raise RuleInputError(
            "vehicles",
            f"各车责任比例合计 {percent(total)}，超过 100%",
            f"the liability ratios add up to {percent(total)}, over 100%",
        )
    mutual_raw = fields.raw("mutual_self_compensation", default="auto")
    if mutual_raw not in (True, False, "auto"):
        raise RuleInputError("mutual_self_compensation", '应为 true、false 或 "auto"', 'must be true, false or "auto"')
    accident = Accident(day, vehicles, others, fields.boolean("no_fault_proxy", default=False), mutual_raw)
    fields.done()
    ctpl_limits_on(day)
    return accident


def settlement_from_document(document: Any) -> dict[str, Any]:
    """`claimbridge rules settle`."""
    return settle(read_settlement(document)).as_dict()
