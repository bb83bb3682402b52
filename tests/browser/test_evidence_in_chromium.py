"""Scene photos from a phone-sized screen: slots filled, thumbnails and flags seen, a bad file refused (R10, B4)."""

from __future__ import annotations

from datetime import datetime

import pytest

from claimbridge.evidence import reuse_index
from claimbridge.photos.tests.samples import jpeg_with_exif
from claimbridge.rules.coordinates import gcj02_to_wgs84
from tests.browser.conftest import PHONE
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
SCENE_GCJ = (33.3950, 104.9230)


def test_an_adjuster_photographs_the_scene_on_a_phone(browser, live_server, screenshot_dir, demo_password, tmp_path):
    reuse_index.reset()
    at_scene = gcj02_to_wgs84(*SCENE_GCJ)
    photos = {
        "front_panorama": jpeg_with_exif(datetime(2024, 6, 1, 14, 35), *at_scene, seed=1, size=(1600, 1200)),
        "rear_panorama": jpeg_with_exif(datetime(2024, 6, 1, 14, 36), *at_scene, seed=2, size=(1600, 1200)),
        "collision_point": jpeg_with_exif(datetime(2024, 5, 30, 9, 0), 34.5809, 105.7242, seed=3),  # old, elsewhere
    }
    for slot, data in photos.items():
        (tmp_path / f"{slot}.jpg").write_bytes(data)
    (tmp_path / "not-a-photo.jpg").write_bytes(b"<html><body>not a photo</body></html>")
    (tmp_path / "photo-with-payload.jpg").write_bytes(photos["rear_panorama"] + b"hidden payload after the picture")

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "tianlong_adj1", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/evidence/")
        page.get_by_text("新建证据档案").click()
        page.locator("#id_title").fill("甘K12345 追尾 甘E6789A")
        page.locator("#id_accident_at").fill("2024-06-01T14:30")
        page.locator("#id_latitude").fill(str(SCENE_GCJ[0]))
        page.locator("#id_longitude").fill(str(SCENE_GCJ[1]))
        page.locator("#id_crs").select_option("gcj02")
        page.get_by_role("button", name="创建").click()
        page.wait_for_url("**/evidence/EV*/")
        assert "还缺 3 项必拍照片" in page.locator("[data-testid=missing-required]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-evidence-empty.png", full_page=True)

        for slot in photos:
            section = page.locator(f"[data-testid=slot-{slot}]")
            section.locator("input[type=file]").set_input_files(str(tmp_path / f"{slot}.jpg"))
            section.get_by_role("button", name="上传").click()
            page.locator(f"[data-testid=slot-{slot}] [data-testid=item]").first.wait_for()

        assert "必拍照片已齐全" in page.locator("[data-testid=missing-required]").inner_text()
        for slot in photos:
            thumbnail = page.locator(f"[data-testid=slot-{slot}] img[src*='thumbnail']")
            thumbnail.scroll_into_view_if_needed()  # thumbnails load lazily, as they come into view
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        collision = page.locator("[data-testid=slot-collision_point]").inner_text()
        assert "拍摄时间比报案的事故时间早" in collision
        assert "公里" in collision
        front = page.locator("[data-testid=slot-front_panorama] .flag")
        assert front.count() == 0  # taken at the scene, a few minutes after: nothing to say
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-evidence-filled.png", full_page=True)

        section = page.locator("[data-testid=slot-other_documents]")
        section.locator("input[type=file]").set_input_files(str(tmp_path / "not-a-photo.jpg"))
        section.get_by_role("button", name="上传").click()
        error = page.locator("[data-testid=upload-error]")
        error.wait_for()
        assert "只接受照片" in error.inner_text()
        assert page.locator("[data-testid=slot-other_documents] [data-testid=item]").count() == 0

        # Issue 12, finding 9: a real photo with something appended after its end is refused, and says why.
        section = page.locator("[data-testid=slot-other_documents]")
        section.locator("input[type=file]").set_input_files(str(tmp_path / "photo-with-payload.jpg"))
        section.get_by_role("button", name="上传").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=upload-error]')?.innerText.includes('图像结束之后')"
        )
        assert page.locator("[data-testid=slot-other_documents] [data-testid=item]").count() == 0

        download = page.locator("[data-testid=slot-front_panorama] a.download").first
        with page.expect_download() as info:
            download.click()
        assert info.value.path().read_bytes() == photos["front_panorama"]
    finally:
        context.close()


def test_issue_14_the_committee_sees_a_verified_reuse_on_a_phone(browser, live_server, screenshot_dir, demo_password):
    """A signal, not a verdict: both photos side by side with their matched points, the distance, the points, the
    overlap and the agreement, on a 360-px phone."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageEnhance, ImageOps

    from claimbridge.accounts.models import User
    from claimbridge.evidence import services
    from claimbridge.photos.tests.samples import EXIF_SAMPLES

    reuse_index.reset()
    users = {user.username: user for user in User.objects.filter(username__in=["tianlong_adj1", "maiji_adj1"])}
    original = (EXIF_SAMPLES / "DSCN0010.jpg").read_bytes()
    picture = Image.open(io.BytesIO(original)).convert("RGB")
    disguised = io.BytesIO()
    ImageEnhance.Brightness(ImageOps.mirror(picture).rotate(8).crop((40, 30, 600, 450))).enhance(1.2).save(
        disguised, "JPEG", quality=40
    )
    first = services.evidence_file_create(user=users["tianlong_adj1"], title="甘K12345 追尾")
    second = services.evidence_file_create(user=users["maiji_adj1"], title="甘E6789A 刮擦")
    for user, evidence_file, data in ((users["tianlong_adj1"], first, original),
                                      (users["maiji_adj1"], second, disguised.getvalue())):  # fmt: skip
        services.evidence_item_upload(user=user, evidence_file=evidence_file, slot_code="front_panorama", party="",
                                      upload=SimpleUploadedFile("IMG.jpg", data))  # fmt: skip

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "antifraud", demo_password, "zh-hans")
        page.goto(f"{live_server.url}/evidence/reuse/")
        row = page.locator("[data-testid=reuse-row]", has_text=second.reference)
        verification = row.locator("[data-testid=reuse-verification]").inner_text()
        for words in ("距离", "匹配点数", "重叠", "内容一致度", "镜像"):
            assert words in verification, words
        picture_element = row.locator("img.reuse-picture")
        picture_element.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture_element.element_handle())
        assert "仅供人工研判，不作定论" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        row.screenshot(path=screenshot_dir / "zh-hans-phone-reuse-verified.png")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-reuse-list.png", full_page=True)
    finally:
        context.close()
