"""Why a file was refused, in both languages."""

from __future__ import annotations


class RejectedFile(ValueError):
    """The file is not acceptable evidence; nothing of it may be kept."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code, self.zh, self.en = code, zh, en
        super().__init__(en)


def not_evidence() -> RejectedFile:
    return RejectedFile(
        "unsupported_type",
        "只接受照片（JPEG、PNG、HEIC、WebP）或视频（MP4、MOV）",
        "Only photos (JPEG, PNG, HEIC, WebP) or videos (MP4, MOV) are accepted",
    )


def corrupt(detail_zh: str = "", detail_en: str = "") -> RejectedFile:
    return RejectedFile(
        "corrupt",
        f"文件已损坏或不完整{detail_zh}，请重新拍摄或上传",
        f"The file is damaged or incomplete{detail_en}: take or upload it again",
    )


def polyglot(found_zh: str, found_en: str, marker: str) -> RejectedFile:
    return RejectedFile(
        "polyglot",
        f"文件中夹带了{found_zh}（{marker}），不是单纯的照片或视频，已拒收",
        f"The file also contains {found_en} ({marker}), so it is not only a photo or video, and is refused",
    )


def data_after_end() -> RejectedFile:
    return RejectedFile(
        "data_after_end",
        "图像结束之后还有其他数据，已拒收：请上传相机或手机拍摄的原始文件",
        "The file carries other data after the end of the image and is refused: upload the file as the camera or phone made it",
    )
