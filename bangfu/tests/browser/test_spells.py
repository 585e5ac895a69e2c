"""Job spells on the person page: an officer records one on a phone, then ends it."""

from django.utils import timezone
from playwright.sync_api import expect

from bangfu.registry.models import EmploymentSpell, Person
from bangfu.tests.browser.conftest import PHONE, login, shot


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_officer_records_a_job_spell_then_ends_it_on_a_phone(open_page, county):
    person = county.person
    page = open_page(phone=True)
    login(page, "alice")
    page.goto(f"/people/{person.pk}/")
    spells = page.locator("#spells")
    expect(spells).to_contain_text("暂无务工经历")
    spells.get_by_role("link", name="+ 登记务工经历").click()
    expect(page.locator("h1")).to_contain_text("登记务工经历")
    assert fits_the_screen(page)
    page.locator("input[name=start_month]").fill("2024-03")
    page.locator("input[name=place][value=out_province]").check()
    page.locator("input[name=place_text]").fill("广东省东莞市")
    page.locator("select[name=channel]").select_option("organised")
    page.locator("input[name=employer_name]").fill("东莞市某电子厂")
    page.locator("input[name=monthly_income]").fill("4500")
    page.locator("input[name=transport_subsidy]").fill("600")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记务工经历 2024年03月起")
    expect(spells).to_contain_text("东莞市某电子厂")
    expect(spells).to_contain_text("在岗")
    expect(page.locator("main")).to_contain_text("省外务工")
    assert fits_the_screen(page)
    shot(page, "phone-spells")

    spells.get_by_role("link", name="结束").click()
    expect(page.locator("h1")).to_contain_text("结束务工经历")
    this_month = timezone.localdate().strftime("%Y-%m")
    page.locator("input[name=end_month]").fill(this_month)
    page.locator("select[name=employment_status]").select_option("seeking")
    page.get_by_role("button", name="结束务工经历").click()
    expect(page.locator(".messages")).to_contain_text("务工经历已结束")
    expect(spells).not_to_contain_text("在岗")
    expect(page.locator("main")).to_contain_text("未就业有就业意愿")
    assert fits_the_screen(page)
    spell = EmploymentSpell.objects.get(person=person)
    assert spell.end_month.strftime("%Y-%m") == this_month
    assert Person.objects.get(pk=person.pk).employment_status == "seeking"
