"""The employer side's demonstration sites and labour cooperatives in a real browser (Playwright,
Debian's Chromium): a site with its people, a cooperative with a dispatch recorded through the form
and an appraisal awarded. (Here, not in bangfu/employers/groups/tests: the browser is one per
process, the fixture of this directory's conftest.)"""

import datetime
import os
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from bangfu.employers.groups import actions
from bangfu.employers.groups.tests.conftest import coop, dispatch_data  # noqa: F401 (a fixture)
from bangfu.employers.testing import make_employer, make_site
from bangfu.registry.testing import make_disabled_person, make_person
from bangfu.tests.browser.conftest import login

VILLAGE = "522633101001"
D = datetime.date
# BANGFU_GROUPS_SHOTS=DIR writes the pages' screenshots there (to look at them).
SHOTS = os.environ.get("BANGFU_GROUPS_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True, animations="disabled")


def test_a_site_shows_its_people_and_ends_one(page, world):
    actions.do_save_programme(world.alice, {"name": "双百双千", "description": "2018—2020 年残疾人就业创业工程"})
    site = make_site(world.alice, VILLAGE, "从江县大塘盲人按摩示范店", kind="massage_shop", level="prefecture",
                     named_on=D(2024, 6, 1), named_by="黔东南州残联", programmes=["双百双千"])
    for name, relation in (("杨盲一", "employed"), ("吴盲二", "trained")):
        actions.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, name),
                                   {"relation": relation, "start_date": D(2025, 1, 1)})
    actions.do_add_site_member(world.alice, site, make_person(world.alice, VILLAGE, "潘店长"),
                               {"relation": "manager", "start_date": D(2024, 6, 1)})
    login(page, "alice")
    page.locator("nav.menu").get_by_role("link", name="示范基地").click()
    page.get_by_role("link", name="从江县大塘盲人按摩示范店").click()
    main = page.locator("main")
    expect(main).to_contain_text("州级")
    expect(main).to_contain_text("双百双千")
    expect(main.locator("table.list tbody tr")).to_have_count(3)
    _shot(page, "site")
    page.get_by_role("link", name="+ 添加人员").click()
    page.locator("input[name=q]").fill("杨")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("main")).to_contain_text("杨盲一")
    _shot(page, "member-add")
    page.goto("/sites/?level=prefecture")
    expect(page.locator("main")).to_contain_text("从江县大塘盲人按摩示范店")
    _shot(page, "site-list")
    page.goto("/programmes/")
    _shot(page, "programmes")
    page.goto(f"/sites/{site.pk}/")
    row = main.locator("table.list tbody tr", has_text="吴盲二")
    row.locator("input[name=end]").fill(timezone.localdate().isoformat())
    row.get_by_role("button", name="结束").click()
    expect(page.locator(".messages")).to_contain_text("已登记结束")


def test_a_cooperative_records_a_dispatch_and_an_appraisal(page, world, coop):  # noqa: F811 (the fixture)
    actions.do_record_dispatch(world.alice, coop, dispatch_data(coop, start_date=D(2025, 1, 5), end_date=D(2025, 2, 28),
                                                                planned_months=None))
    login(page, "alice")
    page.goto(f"/cooperatives/{coop.pk}/")
    page.get_by_role("link", name="+ 组织输出").click()
    _shot(page, "dispatch-form")
    page.locator("select[name=leader]").select_option(str(coop.leader.pk))
    page.locator("input[name=city]").fill("杭州市萧山区")
    page.locator("input[name=city_code]").fill("330109")
    page.locator("input[name=start_date]").fill("2025-03-01")
    page.locator("input[name=planned_months]").fill("6")
    for member in (coop.first, coop.second):
        page.locator(f"input[name=people][value='{member.pk}']").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("2025-08-31")
    _shot(page, "dispatch")
    page.goto("/cooperatives/")
    _shot(page, "cooperative-list")
    page.goto("/appraisals/")
    page.locator("select[name=region_code]").select_option("522633")
    page.locator("form.form input[name=year]").fill("2025")  # not the list filter's year
    page.locator("select[name=half]").select_option("1")
    page.locator("input[name=note]").fill("2025年上半年先进劳务合作社和优秀劳务队长")
    page.get_by_role("button", name="统计").click()
    expect(page.locator("main")).to_contain_text("大塘劳务合作社")
    page.locator("input[name=cooperatives]").first.check()
    page.locator("input[name=leaders]").first.check()
    page.locator("input[name=cooperative_award]").fill("5000")
    page.locator("input[name=leader_award]").fill("1000")
    page.get_by_role("button", name="评定").click()
    expect(page.locator(".messages")).to_contain_text("已评定")
    _shot(page, "appraisal")
    page.goto(f"/cooperatives/{coop.pk}/")
    expect(page.locator("main")).to_contain_text("杭州市萧山区")
    expect(page.locator("main")).to_contain_text("5000")
    _shot(page, "cooperative")


def test_the_employer_picker_finds_an_employer_as_one_types(page, world):
    mine = make_employer(world.alice, VILLAGE, "从江绣娘服饰有限公司")
    make_employer(world.alice, "522633102001", "贯洞木业")
    make_employer(world.bob, "522631101001", "黎平绣娘公司")  # not alice's to see
    login(page, "alice")
    page.goto("/sites/new/")
    page.locator("input[name=name]").fill("绣娘就业基地")
    page.locator("select[name=kind]").select_option("employment_base")
    page.locator("select[name=level]").select_option("county")
    page.locator("select[name=region_code]").select_option(VILLAGE)
    employer = page.locator("select[name=employer]")
    page.locator("input[name=employer_q]").press_sequentially("绣娘")
    # htmx loads the matches into the select: only the one alice may see, chosen as the only match.
    expect(employer.locator("option")).to_have_count(2)
    expect(employer.locator("option").nth(1)).to_contain_text("从江绣娘服饰有限公司")
    expect(employer).to_have_value(str(mine.pk))
    _shot(page, "employer-picker")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("main")).to_contain_text("从江绣娘服饰有限公司")
