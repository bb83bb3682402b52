"""Walking the driver's quick claim step by step (issue 13), shared by the phone tests: each screen is counted, checked
for a horizontal scroll at 360 px and photographed."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from tests.browser.helpers import prove_phone

PHOTOS = sorted((Path(__file__).resolve().parents[1] / "data" / "car_photos").glob("*.jpg"))
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


class Screens:
    """The distinct screens one phone has shown; every one is checked for a horizontal scroll when counted."""

    def __init__(self, name: str) -> None:
        self.name, self.seen = name, []

    def look(self, page, *, shot: bool = True, name: str = "") -> str:
        """Count the screen shown (its step on the party's page, else `name`) and check it at 360 px."""
        journey = page.locator("[data-testid=journey]")
        screen = name or (journey.get_attribute("data-step") if journey.count() else urlparse(page.url).path)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, f"{screen} scrolls sideways"
        if screen not in self.seen:
            self.seen.append(screen)
            if shot:
                SHOTS.mkdir(parents=True, exist_ok=True)
                stem = f"after-{self.name}-{len(self.seen)}-{screen}"
                page.screenshot(path=SHOTS / f"{stem}.png")
                page.screenshot(path=SHOTS / f"{stem}-full.png", full_page=True)
        return screen


def start(page, base_url: str, screens: Screens, *, phone: str = "13700005555", plate: str = "甘E6789A") -> None:
    page.goto(f"{base_url}/cases/start/")
    screens.look(page, name="mobile")
    prove_phone(page, phone, "继续")
    page.locator("[data-testid=start-form]").wait_for()
    page.locator("#id_county").select_option("621202")  # 武都区, 陇南
    page.locator("#id_plate").fill(plate)
    page.locator("#id_insurer").select_option("maiji")
    screens.look(page, name="where")
    page.locator("[data-testid=consent-box]").check()  # issue 20: the notice consented to
    page.get_by_role("button", name="开始报案").click()
    page.wait_for_url("**/cases/*/me/**")
    screens.look(page)


def join(page, base_url: str, code: str, screens: Screens, *, phone: str = "13700006666") -> None:
    page.goto(f"{base_url}/cases/join/?code={code}")
    prove_phone(page, phone, "加入")
    page.locator("[data-testid=joined]").wait_for()
    screens.look(page, name="join")
    page.get_by_role("link", name="填写您的信息").click()
    page.wait_for_url("**/cases/*/me/**")
    screens.look(page)


def details(page, screens: Screens, *, name: str, licence: str, plate: str, part: str) -> None:
    """Step 1: the driver's own details and the three statements, answered; saved, on to the photos."""
    page.locator("#id_driver_name").fill(name)
    page.locator("#id_driver_licence").fill(licence)
    page.locator("#id_plate").fill(plate)
    page.locator("#id_vehicle_type").select_option("small_car")
    page.locator("#id_collision_part").select_option(part)
    for question in ("driver_licensed", "inspection_valid", "impairment_free"):
        page.locator(f"input[name={question}][value=yes]").check()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**step=photos")
    screens.look(page)


def photos(page, screens: Screens, slots: dict[str, list[int]]) -> None:
    """Step 2: photos by slot, several at once; each slot shows its thumbnails in place, then on to what happened."""
    for slot, indexes in slots.items():
        before = page.locator(f"[data-testid=slot-{slot}] [data-testid=thumb]").count()
        page.locator(f"[data-testid=file-{slot}]").set_input_files([str(PHOTOS[i]) for i in indexes])
        page.locator(f"[data-testid=slot-{slot}] [data-testid=thumb]").nth(before + len(indexes) - 1).wait_for()
    screens.look(page, shot=False)
    page.locator("[data-testid=next]").click()
    page.wait_for_url("**step=what")
    screens.look(page)


def what_happened(page, screens: Screens, *, loss: str = "3000", circumstance: int | None = 1, me: str = "A") -> None:
    """Step 3: the account and the circumstance (found by typing), saved, on to liability and conditions."""
    page.locator("#id_place").fill("江南大道与东江路口")
    page.locator("input[name=weather][value=sunny]").check()
    page.locator("input[name=collision_form][value=rear_end]").check()
    page.locator("input[name=damage][value=minor_exterior]").check()
    page.locator("#id_estimated_loss").fill(loss)
    if circumstance is not None:
        page.locator("[data-testid=circumstance-search]").fill("追尾")
        page.locator(f"[data-testid=pick-{me}-{circumstance}]").check()
        other = "B" if me == "A" else "A"
        if page.locator(f"[data-testid=none-{other}]").count():
            page.locator(f"[data-testid=none-{other}]").check()
    page.get_by_role("button", name="保存并继续").click()
    page.wait_for_url("**step=check")
    screens.look(page)


def answer_questions(page, *, injured: bool = False, witnesses: bool | None = None) -> None:
    """Step 4: the questions the conditions depend on, answered for the whole accident; the optional one (were there
    witnesses?) skipped unless `witnesses` is given."""
    form = page.locator("[data-testid=questions]")
    for field in form.locator("fieldset[data-field]").all():
        name = field.get_attribute("data-field")
        if name == "witnesses":
            if witnesses is not None:
                field.locator(f"input[value={'yes' if witnesses else 'no'}]").check()
            continue
        value = "yes" if name == "vehicles_drivable" or (name == "casualties" and injured) else "no"
        field.locator(f"input[value={value}]").check()
    page.get_by_role("button", name="保存回答").click()
    page.get_by_text("已保存。").wait_for()


def to_confirm(page, screens: Screens) -> None:
    page.locator("[data-testid=next]").click()
    page.wait_for_url("**step=confirm")
    screens.look(page)


def confirm(page, name: str) -> None:
    page.locator("#id_typed_name").fill(name)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="确认并签署").click()
