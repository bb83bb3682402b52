"""Every kind of event a case records, with its name, the shape of its data and who may hear of it (B8, B9).

The registry is the contract with insurers' systems: an event's webhook type is `case.<kind>`, its `data` has exactly
the fields listed here, and each receiving insurer gets only what it may see (`cut`): every insurer of the case hears
of `case`-audience events, only the party's own insurer hears of `party`-audience events (its claim line, its
hand-offs), and fields marked `own` reach only the insurer of the party the event is about. `event_append` refuses a
kind that is not registered or data with a field that is not declared, so nothing reaches a receiver undeclared.
`docs/webhooks.md` is generated from this module (`python -m claimbridge.cases.events`) and a test keeps it current.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

Audience = Literal["case", "party"]


@dataclass(frozen=True)
class EventType:
    kind: str
    zh: str  # what the timeline says
    en: str
    description: str  # for insurers' developers
    shared: tuple[str, ...] = ()  # data fields every receiver gets
    own: tuple[str, ...] = ()  # data fields only the insurer of data["party"] gets
    private: tuple[str, ...] = ()  # kept in the audit trail, never sent
    audience: Audience = "case"
    cut: Callable[[dict[str, Any], Collection[str]], dict[str, Any]] | None = field(default=None, compare=False)

    @property
    def fields(self) -> tuple[str, ...]:
        return self.shared + self.own + self.private

    @property
    def webhook_type(self) -> str:
        return f"case.{self.kind}"

    def for_receiver(self, data: dict[str, Any], own_labels: Collection[str]) -> dict[str, Any] | None:
        """The event's data as an insurer whose parties are `own_labels` may see it; None: it does not hear of it."""
        party = data.get("party")
        if self.audience == "party" and party not in own_labels:
            return None
        if self.cut is not None:
            return self.cut(data, own_labels)
        seen = {name: data[name] for name in self.shared if name in data}
        if party in own_labels:
            seen |= {name: data[name] for name in self.own if name in data}
        return seen


def _created_cut(data: dict[str, Any], own_labels: Collection[str]) -> dict[str, Any]:
    """Each insurer sees its own parties' routing; the others only by label and insurer."""
    parties = [
        entry if entry.get("party") in own_labels else {"party": entry.get("party"), "insurer": entry.get("insurer")}
        for entry in data.get("parties", [])
    ]
    shared = {name: data[name] for name in ("channel", "county", "facts") if name in data}
    return shared | {"parties": parties}  # the adjuster's consent record stays in the audit trail


_REGISTRY: tuple[EventType, ...] = (
    EventType("created", "报案", "reported", "A case was reported (by a driver, an adjuster at the scene or the hotline).",
              shared=("channel", "county", "parties", "facts"), private=("consent",), cut=_created_cut),
    EventType("party_joined", "当事方加入", "party joined", "Another driver joined the case from their phone.", shared=("party",)),
    EventType("consent_given", "当事方同意个人信息处理说明", "party consented to the personal-data notice",
              "A driver ticked the personal-information notice's consent on their phone; `notice_version` is the "
              "version of the notice they saw, `purposes` what they agreed to (no personal data).",
              shared=("party", "purposes", "notice_version")),
    EventType("join_code_issued", "生成加入码", "join code issued", "A new join code was issued for the other driver."),
    EventType("join_code_locked", "加入码因多次错误被锁定", "join code locked after repeated failures",
              "Too many wrong phone codes were tried against the live join code: it no longer works."),
    EventType("party_updated", "当事方信息更新", "party details updated",
              "A party changed their details; `fields` names what changed, never the values. `request`: the number of the "
              "personal data request on which the holder's staff made the correction (absent when the driver did).",
              shared=("party", "request"), own=("fields",)),
    EventType("party_cover_found", "保单库核实保险", "cover confirmed by the register",
              "The policy register decided the party's insurer of record and the serving claims unit.",
              shared=("party", "insurer", "cross_region"), own=("claims_unit",)),
    EventType("party_cover_lost", "保单库未找到保险", "no cover in the register",
              "After a change of plate the register holds no cover for the party at the accident instant.", shared=("party",)),
    EventType("evidence_opened", "建立证据档案", "evidence file opened",
              "The case's evidence file was opened, with the first photo sent to it."),
    EventType("photo_added", "上传照片", "photo added", "A photo or video was added to the case's evidence.",
              shared=("party", "slot"), own=("item",)),
    EventType("facts_updated", "事故经过更新", "what happened updated",
              "What happened changed; `fields` names what changed, `changes` each one's old and new answer.",
              shared=("party", "fields", "changes")),
    EventType("circumstances_chosen", "选择事故情形", "circumstances chosen",
              "The listed circumstance of each party was chosen.", shared=("party", "circumstances")),
    EventType("state_changed", "状态变更", "state changed", "The case moved from one state to another.",
              shared=("from", "to", "action", "reason")),
    EventType("confirmations_cleared", "内容变更，确认作废", "content changed, confirmations void",
              "A change voided the confirmations given so far.", shared=("parties",)),
    EventType("party_confirmed", "当事方确认", "party confirmed", "A party confirmed the facts and the liability.",
              shared=("party", "digest")),
    EventType("party_disagreed", "当事方有异议", "party disagrees", "A party does not accept the facts or the liability.",
              shared=("party",)),
    EventType("agreement_made", "生成协议书", "agreement made", "Every party confirmed: the 协议书 was made.",
              shared=("sha256", "liability")),
    EventType("party_contact_shown", "查看驾驶人姓名和电话", "driver's name and mobile shown",
              "A handler of the party's insurer displayed the driver's full name and mobile (each display is recorded).",
              shared=("party",), audience="party"),
    EventType("handed_off", "移交理赔单位", "handed to another unit", "The party's claim moved to another claims unit.",
              shared=("party", "reason"), own=("from", "to"), audience="party"),
    EventType("claim_registered", "立案", "claim registered", "The party's insurer registered its claim (立案).",
              shared=("party",), audience="party"),
    EventType("claim_contact", "首次联系客户", "first contact", "The handler first called the customer.",
              shared=("party",), audience="party"),
    EventType("claim_assess", "定损", "loss assessed",
              "The losses and the liability were assessed; `repair_shop` (`name`, `code`: its unified social credit "
              "code) when the handler recorded where the vehicle is repaired.",
              shared=("party",), own=("losses", "liability", "repair_shop"), audience="party"),
    EventType("claim_settle", "理算", "settlement computed", "The settlement was computed by the rules kernel.",
              shared=("party",), own=("payable",), audience="party"),
    EventType("claim_approval_requested", "上报核赔", "approval requested",
              "The payable is above the handler's limit: a supervisor must approve.", shared=("party",), own=("payable",),
              audience="party"),
    EventType("claim_approve", "核赔通过", "approved", "The payment was approved.", shared=("party",), own=("payable",),
              audience="party"),
    EventType("claim_pay", "支付", "paid",
              "The payment was made; `payee_account_masked` (`****` and the last four digits, never the account) "
              "when the payee's account was recorded.",
              shared=("party",), own=("amount", "reference", "payee_account_masked"), audience="party"),
    EventType("claim_close", "结案", "closed", "The claim was closed with a reason.", shared=("party", "reason"),
              audience="party"),
    EventType("claim_reopen", "重开", "reopened", "The claim was reopened with a reason.", shared=("party", "reason"),
              audience="party"),
    EventType("personal_data_erased", "个人信息已删除", "personal data erased",
              "The parties' personal data was anonymised and the evidence originals and derived files deleted, under a "
              "retention rule or a person's request (decision 0028); `category` names the rule's kind, `parties` the "
              "labels, `items` how many evidence items were erased, `consents` how many of the case's consent records "
              "were anonymised with it. The data carries no personal information.",
              shared=("category", "parties", "items", "consents"), private=("basis",)),
)  # fmt: skip

EVENT_TYPES: dict[str, EventType] = {event.kind: event for event in _REGISTRY}


def event_type(kind: str, data: dict[str, Any]) -> EventType:
    """The registered type, or ValueError when the kind or a field of the data is not declared (a programming error:
    it must never reach a receiver)."""
    registered = EVENT_TYPES.get(kind)
    if registered is None:
        raise ValueError(f"unregistered case event kind: {kind!r}")
    undeclared = set(data) - set(registered.fields)
    if undeclared:
        raise ValueError(f"event {kind!r} has undeclared fields: {sorted(undeclared)}")
    return registered


def event_name(kind: str) -> tuple[str, str]:
    registered = EVENT_TYPES.get(kind)
    return (registered.zh, registered.en) if registered else (kind, kind)


# --- listeners in this process: who else hears of an event as it is appended (issue 13: drivers' text messages) ---
Listener = Callable[..., None]  # called as listener(case=…, event=…) inside the change's transaction
_LISTENERS: dict[str, list[Listener]] = {}


def subscribe(kinds: Collection[str], listener: Listener) -> None:
    """`listener(case=, event=)` is called for each appended event of these kinds, inside the transaction of the
    change (so what it writes exists exactly when the change does; anything slow belongs in an on-commit task)."""
    for kind in kinds:
        if kind not in EVENT_TYPES:
            raise ValueError(f"unregistered case event kind: {kind!r}")
        registered = _LISTENERS.setdefault(kind, [])
        if listener not in registered:
            registered.append(listener)


def listeners(kind: str) -> tuple[Listener, ...]:
    return tuple(_LISTENERS.get(kind, ()))


def webhooks_document() -> str:
    """docs/webhooks.md: what insurers' systems receive."""
    lines = [
        "# Webhooks: what an insurer's system receives",
        "",
        "Generated from `src/claimbridge/cases/events.py` (`python -m claimbridge.cases.events > docs/webhooks.md`);",
        "a test fails when this file is out of date.",
        "",
        "Each delivery is a `POST` of JSON to the insurer's endpoint, signed with its secret:",
        '`X-ClaimBridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,',
        "`X-ClaimBridge-Event: <type>`, `X-ClaimBridge-Delivery: <id>` (the same id on every retry: process each id once).",
        'The body is `{"id", "type", "data"}` where `data` is',
        '`{"case", "sequence", "kind", "at", "state", "parties", "data"}`: `parties` lists the receiving',
        "insurer's own parties as its staff see them (label, insurer, plate, claims unit, underwriting city) and every",
        "other party only by label and insurer; the inner `data` is cut the same way (the table below).",
        "Retries: 30 s, 60 s, 120 s … up to 8 attempts; a 2xx answer is a delivery.",
        "",
        "| type | what happened | fields every receiver gets | fields only the party's own insurer gets | who receives it |",
        "|---|---|---|---|---|",
    ]
    for event in _REGISTRY:
        audience = "the insurers of every party" if event.audience == "case" else "only the insurer of `party`"
        shared = ", ".join(f"`{name}`" for name in event.shared) or "—"
        own = ", ".join(f"`{name}`" for name in event.own) or "—"
        if event.kind == "created":
            own = "`parties[]` entries of its own parties (claims unit, cover verified, cross-region)"
        lines.append(f"| `{event.webhook_type}` | {event.description} | {shared} | {own} | {audience} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - writes the document
    print(webhooks_document(), end="")
