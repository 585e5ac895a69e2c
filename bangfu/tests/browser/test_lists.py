"""The people list on a desktop (sortable columns, page numbers, 序号) and on a 390 px phone
(cards, filters folded behind 筛选)."""

import re

from playwright.sync_api import expect

from bangfu.registry.models import Person
from bangfu.tests.browser.conftest import PHONE, login, shot


def test_an_officer_sorts_the_people_by_age_and_pages_through_them(page, county):
    login(page, "alice")
    page.goto("/people/?size=20")
    total = Person.objects.filter(region_code__startswith="522633").count()
    expect(page.locator(".pager-count")).to_contain_text(f"共 {total} 条")
    page.locator("th.sortable a", has_text="年龄").click()
    expect(page).to_have_url(re.compile(r"sort=age"))
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("年龄")
    ages = [int(text) for text in page.locator("table.list tbody td:nth-child(5)").all_inner_texts()]
    assert ages == sorted(ages)
    shot(page, "person-list")
    page.locator(".pager-pages a", has_text="2").first.click()
    expect(page.locator(".pager-pages strong")).to_have_text("2")
    expect(page.locator("table.list tbody td.seq").first).to_have_text("21")
    # The order survives the filter form.
    page.locator("details.more select[name=employment]").select_option("seeking")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"sort=age.*employment=seeking|employment=seeking.*sort=age"))


def test_the_people_list_reads_as_cards_on_a_phone(open_page, county):
    page = open_page(phone=True)
    login(page, "alice")
    page.goto("/people/")
    filters = page.locator("details.more")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.locator("select[name=employment]")).to_be_hidden()
    card = page.locator("table.list tbody tr").first
    expect(card).to_be_visible()
    # A name is one line, at least two characters wide, never a column of single characters.
    one_character = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    for box in (cell.bounding_box() for cell in page.locator("td.name a").all()):
        assert box["width"] >= 2 * one_character * 0.9 and box["height"] < 2 * one_character * 1.6, box
    # The status is on the card, inside the screen.
    for box in (cell.bounding_box() for cell in page.locator("table.list tbody td.status").all()):
        assert box["width"] > 0 and box["x"] + box["width"] <= PHONE["width"], box
    expect(page.locator("table.list tbody tr").filter(has_text="张三丰").locator("td.status")).to_have_text(
        Person.objects.get(pk=county.person.pk).get_employment_status_display())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-person-list")
    filters.locator("summary").click()
    page.locator("select[name=employment]").select_option("seeking")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"employment=seeking"))
    expect(page.locator("details.more")).to_have_attribute("open", "")
    expect(page.locator("details.more summary")).to_contain_text("已选 1 项")
    # The household list and the zero-employment queue are cards too.
    for url in ("/households/", "/zero-employment/"):
        page.goto(url)
        expect(page.locator("table.list thead")).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
