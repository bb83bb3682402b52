"""The anti-fraud vocabularies (R11, R20): what an adjuster may observe at a scene, how urgent a clue is, who was
involved, and why a committee decided as it did. Pure: no Django; the catalogue is data, each code with its zh-hans
and en text, so that the API returns codes and every page reads the text from here."""

from __future__ import annotations

from claimbridge.rules.common import Text

# What was seen at the scene (R11). Codes are at most 32 characters (their column on PostgreSQL).
OBSERVATIONS: dict[str, Text] = {
    "damage_inconsistent": Text("损伤与事故经过不符", "damage does not fit the account of the accident"),
    "old_damage": Text("疑似旧伤", "damage looks old"),
    "staged_scene": Text("现场疑似人为布置", "the scene looks staged"),
    "vehicle_moved": Text("车辆已被移动，现场不完整", "vehicles were moved; the scene is incomplete"),
    "driver_swapped": Text("疑似换驾（顶包）", "the driver seems to have been swapped"),
    "impaired_driver": Text("驾驶人疑似酒驾或毒驾", "the driver seems impaired (alcohol or drugs)"),
    "parties_know_each_other": Text("双方当事人疑似相识", "the parties seem to know each other"),
    "repairer_at_scene": Text("修理厂或拖车人员先于查勘到场", "a repairer or tow operator was there before the survey"),
    "plate_mismatch": Text("号牌与车辆不符", "the plate does not match the vehicle"),
    "inflated_injury": Text("伤情疑似夸大", "injuries seem exaggerated"),
    "reused_photos": Text("照片疑似重复使用", "the photos seem to have been used before"),
    "frequent_claimant": Text("当事人或车辆近期出险频繁", "the person or vehicle claimed often recently"),
    "other": Text("其他（见说明）", "other (see the description)"),
}

URGENCIES: dict[str, Text] = {
    "normal": Text("一般", "normal"),
    "urgent": Text("紧急：证据可能灭失", "urgent: evidence may be lost"),
    "immediate": Text("立即：人员或车辆正在离开", "immediate: people or vehicles are leaving"),
}

PERSON_ROLES: dict[str, Text] = {
    "driver": Text("驾驶人", "driver"),
    "passenger": Text("乘车人", "passenger"),
    "witness": Text("目击者", "witness"),
    "repairer": Text("修理厂人员", "repairer"),
    "tow_operator": Text("拖车人员", "tow operator"),
}

PLACE_KINDS: dict[str, Text] = {
    "scene": Text("事故现场", "accident scene"),
    "repair_shop": Text("修理厂", "repair shop"),
    "other": Text("其他地点", "other place"),
}

# Why a committee decided as it did (the decision's reason codes).
DECISION_REASONS: dict[str, Text] = {
    "evidence_sufficient": Text("证据充分", "the evidence is sufficient"),
    "admitted": Text("当事人承认", "the parties admitted it"),
    "police_finding": Text("公安机关认定", "the police found so"),
    "claim_withdrawn": Text("索赔已撤回", "the claim was withdrawn"),
    "insufficient_evidence": Text("证据不足", "the evidence is insufficient"),
    "explained": Text("情况已得到合理解释", "what was observed has been explained"),
    "duplicate": Text("与其他线索重复", "a duplicate of another clue"),
    "out_of_scope": Text("不属于保险欺诈", "not insurance fraud"),
}

# Which reasons go with which decision: confirming fraud takes the first kind, clearing the second.
REASONS_FOR: dict[str, frozenset[str]] = {
    "confirm_fraud": frozenset({"evidence_sufficient", "admitted", "police_finding", "claim_withdrawn"}),
    "clear": frozenset({"insufficient_evidence", "explained", "duplicate", "out_of_scope"}),
}
assert set().union(*REASONS_FOR.values()) == set(DECISION_REASONS)

# Why a clue was shared with another city's committee (routing.Involvement.kind).
INVOLVEMENT_KINDS: dict[str, Text] = {
    "policy": Text("保单承保地", "where the policy was written"),
    "person": Text("人员身份证归属地", "a person's ID region"),
    "vehicle": Text("车辆号牌归属地", "a vehicle's plate"),
}

# The clue's history, in words (the events' kinds that are not casework actions of flow.ACTION_NAMES).
EVENT_NAMES: dict[str, Text] = {
    "filed": Text("填报线索", "clue filed"), "photo_added": Text("上传证据", "evidence added"),
    "submitted": Text("提交线索", "clue submitted"), "routed": Text("分送事发地委员会", "sent to the accident city's committee"),
    "shared": Text("共享另一城市委员会", "shared with the other city's committee"), "addendum": Text("补充材料", "addendum"),
    "assigned": Text("指派承办人", "assigned"), "deadline": Text("设定期限", "deadline set"), "note": Text("添加备注", "note"),
    "files_requested": Text("向保险公司调取材料", "files asked of an insurer"),
    "files_answered": Text("保险公司答复调取", "the insurer answered"), "linked": Text("并案", "linked"),
    "linked_in": Text("其他线索并入本案", "another clue linked in"), "reward_computed": Text("计算奖励", "reward computed"),
    "reward_paid": Text("奖励已支付", "reward paid"),
    "insurer_informed": Text("告知涉及的保险公司", "a company concerned informed"),
    "reward_in_investigation": Text("同案已有奖励，不重复计算", "the investigation's reward already computed"),
    "files_attached": Text("保险公司上传调取材料", "the insurer attached a document"),
    "relinked": Text("随所在调查并入其他线索", "moved with its investigation into another"),
}  # fmt: skip

# Why a company sees a clue (fraud.models.ClueInsurer): it covers a party of the clue's case, or insures of record a
# vehicle the clue names.
TOUCH_KINDS: dict[str, Text] = {
    "case_party": Text("贵公司承保的案件当事方", "a party of the case your company covers"),
    "vehicle": Text("贵公司承保的车辆", "a vehicle your company insures"),
}

CODE_MAX = 32  # the column of every code above


def text_of(catalogue: dict[str, Text], code: str) -> Text:
    """The text of a code, or the code itself for one retired from the catalogue (old clues keep their codes)."""
    return catalogue.get(code) or Text(code, code)


def unknown_codes(catalogue: dict[str, Text], codes: list[str]) -> list[str]:
    return [code for code in codes if code not in catalogue]
