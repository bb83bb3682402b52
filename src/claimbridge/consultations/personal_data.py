"""The personal data of customers' questions (PIPL art. 17; R13); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_ANSWER = Text(
    "答复本人的咨询、必要时转专家处理", "answering the person's question, escalating it to a specialist when needed"
)
_ADDRESSED = Text("仅被咨询的保险公司或协会", "only the insurer or association asked")
_SEEN = (Seen("subject", "full"), Seen("insurer_staff", "full", _ADDRESSED), Seen("association_staff", "full", _ADDRESSED),
         Seen("platform_admin", "masked"))  # fmt: skip
_IN_LISTS = (Seen("subject", "full"), Seen("insurer_staff", "masked", _ADDRESSED),
             Seen("association_staff", "masked", _ADDRESSED), Seen("platform_admin", "masked"))  # fmt: skip


def _consultation(field: str, kind: Text, seen: tuple[Seen, ...] = _SEEN) -> Declaration:
    return Declaration("consultations.Consultation", field, kind, _ANSWER, "contract", seen, "consultation")


DECLARATIONS = (
    _consultation("asker_phone", Text("咨询人手机号", "asker's mobile"), _IN_LISTS),
    _consultation("asker_phone_index", Text("咨询人手机号盲索引", "blind index of the asker's mobile"), ()),
    _consultation("asker_name", Text("咨询人姓名", "asker's name"), _IN_LISTS),
    _consultation("question", Text("咨询内容", "the question")),
    _consultation("answer", Text("答复内容", "the answer")),
    _consultation("escalation_note", Text("转专家的说明", "note for the specialist")),
    _consultation("rating_comment", Text("咨询评价留言", "the asker's rating comment")),
)
