"""The personal data of scene evidence: photos, videos and what they carry (PIPL art. 17; B8); see privacy/register.py."""

from __future__ import annotations

from claimbridge.privacy.declarations import Declaration, Seen, Text

_EVIDENCE = Text(
    "记录事故现场、定损理赔、发现重复使用的照片", "recording the scene; assessing the loss; finding reused photos"
)
_CASE_SEEN = (Seen("subject", "full"), Seen("insurer_staff", "full", Text("可查看该案件的人员", "those who may see the case")),
              Seen("adjuster", "full", Text("可查看该案件的人员", "those who may see the case")),
              Seen("antifraud_member", "full"))  # fmt: skip
_PLACE = Text("核对照片拍摄时间地点与报案是否一致", "checking the photo's time and place against the report")


def _item(model: str, field: str, kind: Text, purpose: Text = _EVIDENCE, seen: tuple[Seen, ...] = _CASE_SEEN,
          retention: str = "claim_record") -> Declaration:  # fmt: skip
    return Declaration(f"evidence.{model}", field, kind, purpose, "contract", seen, retention)


DECLARATIONS = (
    _item("StoredObject", "storage_name", Text("现场照片和视频原件（可能含人脸、号牌）", "original scene photos and videos (may show faces, plates)")),
    _item("StoredObject", "thumbnail_name", Text("照片缩略图（重新编码，无元数据）", "photo thumbnail (re-encoded, no metadata)")),
    _item("StoredObject", "preview_name", Text("照片预览图（重新编码，无元数据）", "photo preview (re-encoded, no metadata)")),
    _item("StoredObject", "taken_latitude", Text("照片拍摄位置（纬度，EXIF）", "where the photo was taken (latitude, EXIF)"), _PLACE),
    _item("StoredObject", "taken_longitude", Text("照片拍摄位置（经度，EXIF）", "where the photo was taken (longitude, EXIF)"), _PLACE),
    _item("StoredObject", "camera", Text("拍摄设备型号", "camera model"), _PLACE),
    _item("EvidenceFile", "accident_latitude", Text("事故位置（纬度）", "accident position (latitude)"), _PLACE),
    _item("EvidenceFile", "accident_longitude", Text("事故位置（经度）", "accident position (longitude)"), _PLACE),
    _item("EvidenceItem", "original_name", Text("上传时的文件名", "file name as uploaded")),
    _item("Upload", "filename", Text("分段上传中的文件名", "file name of an upload in progress"),
          Text("续传未完成的上传", "resuming an unfinished upload"), (Seen("subject", "full"),), "rejected_upload"),
)  # fmt: skip
