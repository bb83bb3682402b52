"""Issue 18 acceptance, the field with no signal (B7, R7–R12): an adjuster on a 360-px phone fills a service stop with
two photos and a fraud clue while the network is off, closes the tab, reopens the kept app shell offline, and when
the signal returns exactly one stop, two photos and one clue arrive; a connection cut in the middle of an upload is
retried under the same keys and still makes one of each; a case changed on the server while the phone was offline
is shown to the phone with what became of its own changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import PHONE
from tests.browser.helpers import hold_a_credential, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("world_for_live_server")]
PHOTOS = sorted((Path(__file__).resolve().parents[1] / "data" / "car_photos").glob("*.jpg"))[:2]
ADJUSTER = "tianlong_adj1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WUDU = {"latitude": 33.3912, "longitude": 104.9290}  # 武都区, Longnan


def counts(username: str = ADJUSTER) -> dict[str, int]:
    from claimbridge.accounts.models import User
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.evidence.models import EvidenceItem
    from claimbridge.fraud.models import Clue

    user = User.objects.get(username=username)
    return {
        "stops": ServiceStop.objects.filter(adjuster=user).count(),
        "photos": EvidenceItem.objects.filter(file__created_by=user).count(),  # the stop's file or the clue's
        "clues": Clue.objects.filter(reporter=user).count(),
    }


def until(page, expression: str, seconds: float = 15) -> None:
    """Poll a page expression from here: the page's CSP (script-src 'self') refuses Playwright's in-page poller."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def field_phone(browser, live_server, password: str):
    hold_a_credential(ADJUSTER)  # approved today: stops from today are the credential's (R6, R8)
    context = browser.new_context(**PHONE, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  geolocation=WUDU, permissions=["geolocation"])  # fmt: skip
    page = context.new_page()
    log_in(page, live_server.url, ADJUSTER, password, "zh-hans")
    page.goto(f"{live_server.url}/field/")
    page.wait_for_load_state()
    # The service worker keeps the shell; from now on it answers for this phone's pages.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # installed (the shell kept) and active
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()
        page.wait_for_load_state()
    until(page, "() => Boolean(navigator.serviceWorker.controller)", seconds=10)
    page.locator("[data-testid=save-field]:not([disabled])").wait_for()
    return context, page


def fill_stop(page, *, case: str = "", clue: bool = True, photos: list[Path] | None = None) -> None:
    page.locator("input[name=kind][value=accident]").check()
    page.locator("#f-county").select_option("621202")
    page.locator("#f-insurer").select_option("maiji")
    if case:
        page.locator("#f-case").fill(case)
        page.locator("#f-case").dispatch_event("change")
    page.locator("input[name=services][value=scene_photos]").check()
    page.locator("#f-shown").check()
    page.locator("#f-consent").check()
    page.locator("#locate").click()
    page.locator("[data-testid=position]", has_text="33.39").wait_for()
    page.locator("[data-testid=field-photos]").set_input_files([str(p) for p in photos or PHOTOS])
    assert page.locator("[data-testid=chosen-photo]").count() == 2
    if clue:
        page.locator("[data-testid=clue-part] summary").click()
        page.get_by_label("损伤与事故经过不符").check()
        page.locator("#f-description").fill("两车损伤高度不一致")


def wait_sent(page, status: str = "sent") -> None:
    page.locator(f"[data-testid=outbox-item][data-status={status}]").first.wait_for(timeout=30000)


def test_b7_offline_stop_photos_and_clue_arrive_once_after_the_tab_was_closed(
    browser, live_server, screenshot_dir, demo_password
):
    before = counts()
    context, page = field_phone(browser, live_server, demo_password)
    try:
        shell = page.evaluate("""async () => {
            let total = 0, files = 0;
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    total += (await (await cache.match(request)).blob()).size;
                    files += 1;
                }
            }
            return {bytes: total, files};
        }""")
        assert shell["files"] >= 10  # the pages and static files the phone keeps
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "field-shell.json").write_text(json.dumps(shell))
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        assert "无网络" in page.locator("[data-testid=net-status]").inner_text()
        fill_stop(page)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-offline-form.png", full_page=True)
        page.locator("[data-testid=save-field]").click()
        item = page.locator("[data-testid=outbox-item]")
        item.wait_for()
        assert item.get_attribute("data-status") in ("waiting", "sending")
        assert "待发送" in item.inner_text()
        assert "KB" in page.locator("[data-testid=item-size]").inner_text()  # its size on the phone
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-waiting.png", full_page=True)
        page.close()  # the tab is killed; the item is on the phone

        elsewhere = context.new_page()
        with pytest.raises(
            PlaywrightError, match="ERR_INTERNET_DISCONNECTED"
        ):  # the network is really off: a page the phone does not keep does not open
            elsewhere.goto(f"{live_server.url}/policies/")
        elsewhere.close()
        page = context.new_page()
        answer = page.goto(f"{live_server.url}/field/")
        assert answer is not None
        assert answer.from_service_worker
        page.locator("[data-testid=outbox-item]").wait_for()
        assert page.locator("[data-testid=outbox-item]").count() == 1
        assert counts() == before  # nothing has left the phone
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-reopened-offline.png", full_page=True)

        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_sent(page)
        report = page.locator("[data-testid=item-report]").inner_text()
        assert "服务记录：已保存" in report
        assert "欺诈线索：已保存" in report
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-sent.png", full_page=True)
        # Sending again (another open, the button, the worker's sync) sends nothing twice.
        page.reload()
        page.wait_for_load_state()
        page.evaluate("() => window.FieldOutbox.sendAll()")
    finally:
        context.close()
    after = counts()
    assert after == {"stops": before["stops"] + 1, "photos": before["photos"] + 2, "clues": before["clues"] + 1}
    from claimbridge.credentials.models import ServiceStop
    from claimbridge.fraud.models import Clue

    clue = Clue.objects.filter(reporter__username=ADJUSTER).latest("pk")
    assert clue.evidence.items.count() == 2  # the committee sees the photos on the clue
    assert clue.state != "draft"  # and it was sent to them
    stop = ServiceStop.objects.filter(adjuster__username=ADJUSTER).latest("created_at")
    assert clue.stop_id == stop.pk
    assert stop.latitude is not None
    assert stop.customer_consented
    assert stop.at < stop.created_at  # captured on the phone before it arrived: both kept


def large_photo(folder: Path) -> Path:
    """A phone-sized photo (about 1.5 MB of noise): it goes up in resumable pieces."""
    import numpy as np
    from PIL import Image

    path = folder / "IMG_large.jpg"
    pixels = np.random.default_rng(18).integers(0, 255, (1100, 1100, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, quality=95)
    return path


def test_b7_a_cut_in_the_middle_of_an_upload_is_retried_and_still_makes_one_of_each(
    browser, live_server, demo_password, tmp_path
):
    """The signal drops after the server kept the second piece of a large photo, and again after it kept the small
    photo but before its answer came back: the phone resumes the large one where the server stands (never from
    the start) and repeats the small one under its key; one stop, two photos and one clue arrive."""
    import hashlib

    from claimbridge.evidence.models import EvidenceItem

    big = large_photo(tmp_path)
    before = counts()
    context, page = field_phone(browser, live_server, demo_password)
    pieces: list[str] = []
    cut = {"piece": False, "item": False}

    def lose_the_answer(route) -> None:
        route.fetch()  # the server receives it and keeps it …
        context.set_offline(True)  # … and the signal drops before its answer arrives
        route.abort("internetdisconnected")

    def piece(route) -> None:
        if route.request.method != "PATCH":
            route.continue_()
            return
        pieces.append(route.request.headers.get("upload-offset", ""))
        if len(pieces) == 2 and not cut["piece"]:
            cut["piece"] = True
            lose_the_answer(route)
            return
        route.continue_()

    def item(route) -> None:
        if b"upload" not in (route.request.post_data_buffer or b"") and not cut["item"]:
            cut["item"] = True
            lose_the_answer(route)
            return
        route.continue_()

    try:
        page.route("**/api/v1/uploads/*", piece)
        page.route("**/api/v1/evidence/files/*/items", item)
        page.route("**/api/v1/fraud/clues/*/photos", item)
        fill_stop(page, photos=[big, PHOTOS[0]])
        page.locator("[data-testid=save-field]").click()
        page.locator("[data-testid=outbox-item]").wait_for()
        for _ in range(3):  # each cut leaves the item waiting; the signal comes back each time
            until(page, "() => !navigator.onLine || document.querySelector('[data-status=sent]') !== null", 30)
            if page.locator("[data-testid=outbox-item][data-status=sent]").count():
                break
            context.set_offline(False)
            page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_sent(page)
    finally:
        context.close()
    assert cut == {"piece": True, "item": True}, "both cuts happened"
    assert pieces.count("0") == 1, "the large photo resumed; it never started again"
    assert counts() == {"stops": before["stops"] + 1, "photos": before["photos"] + 2, "clues": before["clues"] + 1}
    kept = EvidenceItem.objects.filter(file__created_by__username=ADJUSTER).order_by("-pk")[:2]
    assert hashlib.sha256(big.read_bytes()).hexdigest() in {i.stored.sha256 for i in kept}  # byte for byte


def test_b7_a_case_changed_while_the_phone_was_offline_is_shown_with_what_was_kept(
    browser, live_server, screenshot_dir, demo_password
):
    from django.db import transaction

    from claimbridge.accounts.models import User
    from claimbridge.cases.services.record import case_advance, case_lock
    from tests.factories import wudu_case

    case = wudu_case(User.objects.get(username=ADJUSTER))
    with transaction.atomic():
        case_advance(case=case_lock(pk=case.pk), action="report", reason="complete")
    context, page = field_phone(browser, live_server, demo_password)
    try:
        page.locator("#f-case").fill(case.number)
        page.locator("#f-case").dispatch_event("change")
        page.locator("[data-testid=case-state]", has_text="已报案").wait_for()
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        fill_stop(page, clue=False)
        page.locator("[data-testid=save-field]").click()
        page.locator("[data-testid=outbox-item]").wait_for()
        with transaction.atomic():  # meanwhile, at the office: the case goes to the traffic police
            case_advance(case=case_lock(pk=case.pk), action="send_to_police", reason="staff")
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_sent(page)
        changes = page.locator("[data-testid=case-changes]").inner_text()
        assert case.number in changes
        assert "转交警处理" in changes
        assert "服务记录：已保存" in page.locator("[data-testid=item-report]").inner_text()
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-case-changed.png", full_page=True)
    finally:
        context.close()
    from claimbridge.credentials.models import ServiceStop

    assert ServiceStop.objects.filter(case=case).count() == 1


def test_b7_a_case_reported_at_the_scene_with_no_signal_arrives_once_with_its_stop(
    browser, live_server, screenshot_dir, demo_password
):
    from claimbridge.cases.models import Case
    from claimbridge.credentials.models import ServiceStop

    cases_before = Case.objects.filter(channel="adjuster").count()
    context, page = field_phone(browser, live_server, demo_password)
    try:
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        fill_stop(page, clue=False)
        page.locator("[data-testid=report-part] summary").click()
        page.locator("#f-consent").uncheck()
        page.locator("#f-plate-a").fill("甘K12345")
        page.locator("[data-testid=save-field]").click()
        refusal = page.locator("#report-error")
        assert "征得客户同意" in refusal.inner_text()  # next to the part it is about; nothing was saved
        assert page.locator("[data-testid=outbox-item]").count() == 0
        page.locator("#f-consent").check()
        page.locator("#f-plate-b").fill("甘E6789A")
        page.locator("[data-testid=save-field]").click()
        page.locator("[data-testid=outbox-item]").wait_for()
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        wait_sent(page)
        report = page.locator("[data-testid=item-report]").inner_text()
        assert "新报案件：已保存" in report
        page.screenshot(path=screenshot_dir / "zh-hans-phone-field-case-reported.png", full_page=True)
        page.reload()
        page.wait_for_load_state()
        page.evaluate("() => window.FieldOutbox.sendAll()")
    finally:
        context.close()
    made = Case.objects.filter(channel="adjuster").order_by("-pk")
    assert made.count() == cases_before + 1
    assert ServiceStop.objects.filter(case=made.first()).count() == 1


def test_b7_a_long_queue_kept_offline_is_sent_once_item_by_item(browser, live_server, demo_password):
    """Ten stops, each with a photo, saved with no signal one after another: all wait on the phone, and when the
    signal returns ten stops and ten photos arrive, none twice."""
    queue = 10
    before = counts()
    context, page = field_phone(browser, live_server, demo_password)
    try:
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        for n in range(queue):
            page.locator("input[name=kind][value=accident]").check()
            page.locator("#f-consent").check()
            page.locator("[data-testid=field-photos]").set_input_files(str(PHOTOS[n % 2]))
            page.locator("[data-testid=save-field]").click()
            page.locator("[data-testid=outbox-item]").nth(n).wait_for()
        assert page.locator("[data-testid=outbox-item][data-status=waiting]").count() == queue
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        until(page, f"() => document.querySelectorAll('[data-status=sent]').length === {queue}", 90)
        (ARTIFACTS / "field-queue.json").write_text(json.dumps({"longest_offline_queue": queue}))
    finally:
        context.close()
    after = counts()
    assert after["stops"] == before["stops"] + queue
    assert after["photos"] == before["photos"] + queue


def test_b7_an_item_saved_under_another_login_is_never_sent_under_this_one(browser, live_server, demo_password):
    """A shared phone: what another adjuster saved waits for them; it is not sent as this adjuster's stop."""
    before = counts()
    context, page = field_phone(browser, live_server, demo_password)
    try:
        page.evaluate("""() => window.FieldOutbox.put({id: "someone-else-1", created: new Date().toISOString(),
            capturedAt: new Date().toISOString(), status: "waiting", steps: {}, owner: "999999", photos: [],
            stop: {kind: "accident", at: new Date(Date.now() - 60000).toISOString(), services: [],
                   credential_shown: false, customer_consented: false, county: "", customer_insurer: "", case: "",
                   latitude: null, longitude: null}, clue: null, report: null})""")
        assert page.evaluate("() => window.FieldOutbox.sendAll().then((r) => r.state)") == "done"
        page.reload()
        page.wait_for_load_state()
        item = page.locator("[data-testid=outbox-item][data-id=someone-else-1]")
        assert item.get_attribute("data-status") == "waiting"
        assert "另一账号" in item.locator("[data-testid=other-login]").inner_text()
    finally:
        context.close()
    assert counts() == before


def test_b7_an_item_the_server_cannot_take_now_waits_while_the_next_one_goes(browser, live_server, demo_password):
    """A 500 on one item's stop leaves that item waiting (tried again later, or at 'send now') and never holds up
    the items behind it; the retry under the same keys still makes one stop each."""
    before = counts()
    context, page = field_phone(browser, live_server, demo_password)
    failed = {"done": False}

    def fail_once(route) -> None:
        if failed["done"]:
            route.continue_()
            return
        failed["done"] = True
        route.fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")

    try:
        context.set_offline(True)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        for _ in range(2):
            page.locator("input[name=kind][value=accident]").check()
            page.locator("#f-consent").check()
            page.locator("[data-testid=save-field]").click()
        page.locator("[data-testid=outbox-item]").nth(1).wait_for()
        page.route("**/api/v1/credentials/stops", fail_once)
        context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        until(page, "() => document.querySelectorAll('[data-status=sent]').length === 1", 30)
        assert page.locator("[data-testid=outbox-item][data-status=waiting]").count() == 1
        assert counts()["stops"] == before["stops"] + 1
        page.locator("[data-testid=send-now]").click()  # the user does not wait for the backoff
        until(page, "() => document.querySelectorAll('[data-status=sent]').length === 2", 30)
    finally:
        context.close()
    assert counts()["stops"] == before["stops"] + 2
