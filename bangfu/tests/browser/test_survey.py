"""A village surveyor records a door-to-door survey (走访) on a phone."""

from django.utils import timezone
from playwright.sync_api import expect

from bangfu.registry.models import Person
from bangfu.tests.browser.conftest import PHONE, login, shot


def fits_the_screen(page) -> bool:
    """Nothing makes the phone page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_surveyor_records_a_survey_on_a_phone_and_sees_it_on_the_person_page(open_page, county):
    page = open_page(phone=True)
    login(page, "sam")
    assert fits_the_screen(page)
    shot(page, "phone-home")

    page.locator("nav.menu").get_by_role("link", name="人员台账").click()
    page.get_by_role("searchbox").fill("zsf")
    page.get_by_role("button", name="查询").tap()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert fits_the_screen(page)
    shot(page, "phone-search")
    page.locator("table.list").get_by_role("link", name="张三丰").tap()
    expect(page.locator("h1")).to_contain_text("张三丰")
    expect(page.get_by_role("link", name="编辑", exact=True)).to_have_count(0)  # surveyors do not edit
    page.get_by_role("link", name="记录走访").tap()

    expect(page.locator("h1")).to_contain_text("记录走访")
    assert fits_the_screen(page)
    page.locator("input[name=visited_on]").fill(timezone.localdate().isoformat())  # see test_dates_start_at_today
    page.locator("textarea[name=findings]").fill("本人已在丙妹镇就业帮扶车间做刺绣，每月约 2800 元。")
    page.locator("select[name=employment_status]").select_option("in_county")
    page.locator("input[name=employer_name]").fill("丙妹镇就业帮扶车间（刺绣）")
    shot(page, "phone-survey")
    page.get_by_role("button", name="保存走访记录").tap()

    expect(page.locator(".messages")).to_contain_text("走访记录已保存")
    newest = page.locator(".survey").first
    expect(newest).to_contain_text("sam")
    expect(newest).to_contain_text("每月约 2800 元")
    expect(newest).to_contain_text("未就业有就业意愿 → 县内务工")
    expect(page.locator("main")).to_contain_text("丙妹镇就业帮扶车间（刺绣）")
    assert fits_the_screen(page)
    shot(page, "phone-person")
    assert Person.objects.get(pk=county.person.pk).employment_status == "in_county"


def test_a_surveyor_cannot_open_a_person_of_another_village(open_page, county):
    page = open_page(phone=True)
    login(page, "sam")
    response = page.goto(f"/people/{county.other_village_person.pk}/survey/")
    assert response.status == 404


def test_dates_start_at_today(open_page, county):
    today = timezone.localdate().isoformat()
    page = open_page()
    login(page, "alice")
    page.goto(f"/people/{county.person.pk}/survey/")
    visited_on = page.locator("input[name=visited_on]").input_value()
    page.goto(f"/households/{county.zero[0].pk}/")
    done_on = page.locator("input[name=done_on]").input_value()
    assert (visited_on, done_on) == (today, today)
