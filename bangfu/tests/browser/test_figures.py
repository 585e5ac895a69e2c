"""The kept figures in a real browser: a change shows on the home page and in the region tree, and
while villages wait for their recount the pages say since when their figures stand."""

import os

from playwright.sync_api import expect

from bangfu.conftest import make_person
from bangfu.registry import figures
from bangfu.tests.browser.conftest import login


def test_the_home_page_and_the_region_tree_follow_a_change_or_say_since_when(page, county, monkeypatch):
    login(page, "alice")
    people = page.locator(".cards .card").first.locator(".value")
    before = int(people.inner_text().replace(",", ""))
    expect(page.locator(".as-of")).to_have_count(0)
    make_person(county.alice, name="新来的", seq=801, region_code="522633102001")
    page.reload()
    expect(people).to_have_text(str(before + 1))  # recounted at this view

    monkeypatch.setattr(figures.KEEPER, "limit", 0)  # as after a bulk change of many villages
    make_person(county.alice, name="又来的", seq=803, region_code="522633102001")
    page.reload()
    expect(page.locator(".as-of")).to_contain_text("统计时间")
    expect(people).to_have_text(str(before + 1))
    if os.environ.get("BANGFU_AS_OF_SHOT"):
        page.screenshot(path=os.environ["BANGFU_AS_OF_SHOT"] + "-home.png", full_page=True)
    page.goto("/regions/")
    expect(page.locator(".as-of")).to_contain_text("1 个村有新的变动")
    if os.environ.get("BANGFU_AS_OF_SHOT"):
        page.screenshot(path=os.environ["BANGFU_AS_OF_SHOT"] + "-regions.png", full_page=True)
