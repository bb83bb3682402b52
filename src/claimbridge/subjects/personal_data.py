"""The personal data of people's requests about their data (PIPL arts. 44–47, decision 0030); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_ANSWER = Text(
    "办理本人查阅、复制、更正、删除其个人信息的申请，并证明已在期限内办理",
    "working the person's request to see, copy, correct or delete their data, and proving it was worked in time",
)
_HOLDER = Text(
    "仅持有该信息、办理申请的协会或保险公司", "only the association or insurer that holds the data and works it"
)
_SEEN = (Seen("subject", "full"), Seen("association_staff", "full", _HOLDER), Seen("insurer_staff", "full", _HOLDER))


def _request(field: str, kind: Text, seen: tuple[Seen, ...] = _SEEN) -> Declaration:
    return Declaration("subjects.SubjectRequest", field, kind, _ANSWER, "legal_duty", seen, "subject_request")


DECLARATIONS = (
    _request("phone", Text("申请人手机号", "the requester's mobile"),
             (Seen("subject", "full"), Seen("association_staff", "masked", _HOLDER),
              Seen("insurer_staff", "masked", _HOLDER))),
    _request("phone_index", Text("申请人手机号盲索引", "blind index of the requester's mobile"), ()),
    _request("correction", Text("申请更正为的内容", "what the person asks the record to say")),
    _request("note", Text("申请人的补充说明", "the requester's note")),
    _request("resolution", Text("办理结果说明", "how the holder worked the request")),
)  # fmt: skip
