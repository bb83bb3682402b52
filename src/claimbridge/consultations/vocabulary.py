"""What a consultation is about and how it came in (R13). Pure: no Django."""

from __future__ import annotations

from claimbridge.rules.common import Text

TOPICS: dict[str, Text] = {
    "process": Text("理赔流程", "the claims process"),
    "quick_claim": Text("快处易赔", "quick handling"),
    "cross_region": Text("异地理赔", "cross-region claims"),
    "liability": Text("事故责任", "liability"),
    "settlement": Text("赔付金额", "settlement amounts"),
    "documents": Text("所需材料", "documents needed"),
    "repairs": Text("维修与定损", "repairs and loss assessment"),
    "other": Text("其他", "other"),
}
CHANNELS: dict[str, Text] = {
    "web": Text("网页", "web"),
    "phone": Text("电话", "phone"),
    "hotline": Text("客服热线", "hotline"),
}
QUESTION_MAX = 2000
ANSWER_MAX = 4000
COMMENT_MAX = 500
NOTE_MAX = 500
DEFAULT_WORKING_DAYS = 2
