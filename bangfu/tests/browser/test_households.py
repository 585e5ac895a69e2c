"""The zero-employment queue (零就业家庭动态清零): follow a household up until someone works."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from bangfu.tests.browser.conftest import login, shot


def test_a_followed_up_household_leaves_the_queue_when_a_member_finds_work(page, county):
    followed, waiting = county.zero[0], county.zero[1]
    login(page, "alice")
    page.locator("nav.menu").get_by_role("link", name="零就业家庭").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(len(county.zero))
    expect(rows.filter(has_text=followed.number)).to_contain_text("推荐岗位")
    expect(rows.filter(has_text=waiting.number)).to_contain_text("未跟进")
    shot(page, "zero-employment")

    rows.filter(has_text=waiting.number).get_by_role("link", name=waiting.number).click()
    expect(page.locator("h1")).to_contain_text(f"{waiting.head_name} 户")
    expect(page.locator("h1")).to_contain_text("零就业家庭")
    page.locator("input[name=done_on]").fill(timezone.localdate().isoformat())  # see test_dates_start_at_today
    page.locator("select[name=action]").select_option("contact")
    page.locator("textarea[name=note]").fill("入户走访，户主愿意到县城务工，已登记求职意向")
    page.get_by_role("button", name="记录跟进").click()
    expect(page.locator(".messages")).to_contain_text("跟进记录已保存")
    expect(page.locator("main")).to_contain_text("已登记求职意向")
    shot(page, "household")

    page.locator("nav.menu").get_by_role("link", name="零就业家庭").click()
    today = timezone.localdate().isoformat()
    expect(rows.filter(has_text=waiting.number)).to_contain_text(f"{today} 联系走访")

    # The head finds work in the county: the household leaves the queue by itself.
    page.goto(f"/households/{waiting.pk}/")
    page.get_by_role("table").first.get_by_role("link", name=waiting.head_name).click()
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    page.get_by_role("link", name="+ 登记务工经历").click()
    page.locator("input[name=start_month]").fill(timezone.localdate().strftime("%Y-%m"))
    page.locator("input[name=place][value=in_county]").check()
    page.locator("select[name=channel]").select_option("workshop")
    page.locator("input[name=employer_name]").fill("从江县城北就业帮扶车间")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记务工经历")
    page.locator("nav.menu").get_by_role("link", name="零就业家庭").click()
    expect(rows).to_have_count(len(county.zero) - 1)
    expect(page.locator("table.list")).not_to_contain_text(waiting.number)
