"""Why an upload or a request about evidence was refused: `AppError`s with a code and both languages (issue 12)."""

from __future__ import annotations

from claimbridge.core.errors import AppError  # also what callers catch: `except errors.AppError`
from claimbridge.photos.errors import RejectedFile


def unknown_slot() -> AppError:
    return AppError("unknown_slot", "没有这个照片位置", "There is no such photo slot.", field="slot")


def wrong_party() -> AppError:
    return AppError(
        "wrong_party",
        "请说明这张照片属于哪一方（A 至 D）；不分当事方的位置不填当事方",
        "Say which party (A to D) this photo belongs to; slots for the whole scene take no party.",
        field="party",
    )


def wrong_kind(video_slot: bool) -> AppError:
    if video_slot:
        return AppError("video_expected", "这个位置需要视频（MP4 或 MOV）", "This slot takes a video (MP4 or MOV).",
                        field="file")  # fmt: skip
    return AppError(
        "photo_expected", "这个位置需要照片，不是视频", "This slot takes a photo, not a video.", field="file"
    )


def clue_evidence() -> AppError:
    return AppError("clue_evidence", "这是欺诈线索的证据档案：请在线索页面补充照片或视频",
                    "This is a fraud clue's evidence: add photos or videos on the clue's page", status=409,
                    field="file")  # fmt: skip


def no_file() -> AppError:
    return AppError("no_file", "请选择要上传的照片或视频", "Choose a photo or video to upload.", field="file")


def refused_file(rejected: RejectedFile) -> AppError:
    """The photos kernel's reason, at the boundary of the shell."""
    return AppError(rejected.code, rejected.zh, rejected.en, field="file")


def bad_upload_key() -> AppError:
    return AppError(
        "bad_idempotency_key",
        "上传键须为 1 至 80 个可见 ASCII 字符",
        "An upload key (Idempotency-Key) is 1 to 80 printable ASCII characters.",
        field="Idempotency-Key",
    )


def bad_crs() -> AppError:
    return AppError("bad_crs", "坐标系只能是 wgs84 或 gcj02", "The coordinate system is wgs84 or gcj02.", field="crs")


def bad_coordinate(field: str) -> AppError:
    limit = 90 if field == "latitude" else 180
    return AppError(
        "bad_coordinate",
        f"{'纬度' if field == 'latitude' else '经度'}须为 -{limit} 至 {limit} 之间的数",
        f"The {field} is a number from -{limit} to {limit}.",
        field=field,
    )


def half_a_place() -> AppError:
    return AppError("half_a_place", "请同时填写纬度和经度，或都不填", "Give both latitude and longitude, or neither.",
                    field="latitude")  # fmt: skip


def bad_title(limit: int) -> AppError:
    return AppError(
        "bad_title",
        f"标题最多 {limit} 个字符，且不能含控制字符",
        f"The title is at most {limit} characters, without control characters.",
        field="title",
    )


def unknown_insurer(code: str) -> AppError:
    return AppError("unknown_insurer", f"没有代码为 {code} 的保险公司", f"There is no insurer with the code {code}.",
                    field="insurers")  # fmt: skip


def upload_failed() -> AppError:
    return AppError(
        "upload_failed",
        "文件未能保存，什么也没有留下：请再上传一次",
        "The file could not be stored and nothing of it was kept: upload it again.",
        status=503,
        field="file",
    )


def message_in_language(error: AppError) -> str:
    """The reason in the reader's language (for pages)."""
    return error.message


# --- resumable uploads (decision 0025) ------------------------------------------------------------------------------


def upload_key_required() -> AppError:
    return AppError("idempotency_key_required", "开始分段上传须带 Idempotency-Key，重试时用同一个键",
                    "Starting an upload takes an Idempotency-Key: send the same key when you retry.",
                    status=400, field="Idempotency-Key")  # fmt: skip


def upload_too_large(limit_mb: int) -> AppError:
    return AppError("upload_too_large", f"文件超过 {limit_mb} MB，不能上传",
                    f"The file is larger than {limit_mb} MB and cannot be uploaded.", status=413,
                    field="length")  # fmt: skip


def upload_offset_mismatch(offset: int) -> AppError:
    """The part does not start where the upload stands (a part sent twice, or one lost): the client continues from
    `details.offset`; nothing was written."""
    return AppError("upload_offset_mismatch", f"这一段的起点不对：服务器已收到 {offset} 字节，请从这里继续",
                    f"This part does not start where the upload stands: the server has {offset} bytes, continue "
                    "from there.", status=409, field="Upload-Offset", details={"offset": offset})  # fmt: skip


def bad_upload_offset() -> AppError:
    return AppError("bad_upload_offset", "请在 Upload-Offset 头中给出这一段的起点（非负整数）",
                    "Give where this part starts in the Upload-Offset header (a whole number, 0 or more).",
                    status=400, field="Upload-Offset")  # fmt: skip


def bad_part_type() -> AppError:
    return AppError("bad_content_type", "分段内容的类型须为 application/offset+octet-stream",
                    "A part is sent as application/offset+octet-stream (or application/octet-stream).",
                    status=415, field="Content-Type")  # fmt: skip


def part_too_long(remaining: int) -> AppError:
    return AppError("upload_part_too_long", f"这一段超出了文件的长度：还剩 {remaining} 字节",
                    f"This part goes past the end of the file: {remaining} bytes remain.", status=413,
                    field="Content-Length", details={"remaining": remaining})  # fmt: skip


def part_cut_short() -> AppError:
    return AppError("upload_part_incomplete", "这一段没有收全，什么也没有保存：请查询进度后重发",
                    "This part did not arrive whole and nothing of it was kept: ask for the offset and send it again.",
                    status=400, field="Content-Length")  # fmt: skip


def upload_checksum_mismatch() -> AppError:
    return AppError("upload_checksum_mismatch", "收到的文件与给出的 SHA-256 不符，已清空：请从头重新上传",
                    "The file received does not match the SHA-256 given; it was emptied: upload it again from the "
                    "start.", field="sha256", details={"offset": 0})  # fmt: skip


def upload_incomplete(offset: int, length: int) -> AppError:
    return AppError("upload_incomplete", f"分段上传尚未完成（{offset}/{length} 字节）",
                    f"The upload is not complete yet ({offset} of {length} bytes).", status=409, field="upload",
                    details={"offset": offset, "length": length})  # fmt: skip


def upload_consumed() -> AppError:
    return AppError("upload_consumed", "这个上传已用于另一张照片或视频：每个文件请新建一个上传",
                    "This upload was already used for another photo or video: start a new upload for each file.",
                    status=409, field="upload")  # fmt: skip


def file_and_upload() -> AppError:
    return AppError("file_and_upload", "请只给出文件或上传编号之一", "Send either the file or an upload id, not both.",
                    field="upload")  # fmt: skip
