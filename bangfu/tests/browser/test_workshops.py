"""A workshop from application to certification in the browser: an operator applies for its own
employer, an HRSS officer reviews and certifies it and sees its evaluation by criterion."""

import datetime
import os
from pathlib import Path

from playwright.sync_api import expect

from bangfu.employers.models import EmployerOperator, Workshop
from bangfu.employers.testing import make_employer
from bangfu.employers.workshops import rent
from bangfu.employers.workshops.tests.helpers import VILLAGE, load_guangxi
from bangfu.tests.browser.conftest import login, shot

# WORKSHOP_SHOTS=DIR keeps a picture of every page the story passes (to look at them).
SHOTS = os.environ.get("WORKSHOP_SHOTS")


def look(page, name: str) -> None:
    shot(page, name)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_an_operator_applies_and_an_officer_reviews_and_certifies(open_page, world):
    load_guangxi(world.admin)
    rent.do_save_rent_rule(world.admin, {"region_prefix": "522633", "name": "三免两减半",
                                         "effective_from": datetime.date(2019, 1, 1), "shares": [0, 0, 0, 0.5, 0.5]})
    employer = make_employer(world.alice, VILLAGE, "从江县竹编有限公司")
    EmployerOperator.objects.create(user=world.ed, employer=employer)

    operator = open_page()
    login(operator, "ed")
    operator.goto("/workshops/")
    operator.get_by_role("link", name="+ 申报车间").click()
    expect(operator.locator("h1")).to_contain_text("从江县竹编有限公司")
    expect(operator.locator("select[name=employer]")).to_have_count(0)
    operator.locator("input[name=name]").fill("大塘竹编帮扶车间")
    operator.locator("select[name=kind]").select_option("home")
    operator.locator("select[name=site]").select_option("relocation")
    operator.locator("input[name=start_date]").fill("2024-03-01")
    operator.locator("input[name=site_rent]").fill("12000")
    look(operator, "workshop-apply")
    operator.get_by_role("button", name="提交申报").click()
    expect(operator.locator(".messages")).to_contain_text("已申报就业帮扶车间 大塘竹编帮扶车间")
    expect(operator.locator("h1")).to_contain_text("已申报")
    workshop = Workshop.objects.get(name="大塘竹编帮扶车间")

    officer = open_page()
    login(officer, "alice")
    officer.goto("/workshops/")
    look(officer, "workshop-list")
    officer.get_by_role("link", name="大塘竹编帮扶车间").click()
    officer.get_by_role("link", name="受理审核").click()
    expect(officer.locator("h1")).to_contain_text("受理审核")
    officer.locator("textarea[name=comment]").fill("材料齐全，受理")
    officer.get_by_role("button", name="确认受理审核").click()
    expect(officer.locator(".messages")).to_contain_text("已办理：受理审核")
    officer.get_by_role("link", name="认定", exact=True).click()
    expect(officer.locator("main")).to_contain_text("脱贫劳动力 0 人，须不少于 5 人")
    officer.locator("input[name=certificate_number]").fill("黔东南就帮车2026-001")
    look(officer, "workshop-certify")
    officer.get_by_role("button", name="确认认定").click()
    expect(officer.locator(".messages")).to_contain_text("已办理：认定")
    main = officer.locator("main")
    expect(officer.locator("h1")).to_contain_text("正常运行")
    expect(main).to_contain_text("黔东南就帮车2026-001")
    expect(main).to_contain_text("广西就业帮扶车间动态监测标准（2022）")
    expect(main).to_contain_text("人均每月意外伤害保险：统计期内无出勤记录")
    expect(main).to_contain_text("材料齐全，受理")
    expect(main).to_contain_text("第 4 年")
    look(officer, "workshop-detail")
    workshop.refresh_from_db()
    assert (workshop.status, workshop.certificate_number) == ("running", "黔东南就帮车2026-001")

    officer.get_by_role("link", name="修改历史").click()
    expect(officer.locator("main")).to_contain_text("认定证书编号")
    look(officer, "workshop-history")

    officer.goto("/workshops/monitoring/")
    expect(officer.locator("main")).to_contain_text("大塘竹编帮扶车间")
    look(officer, "workshop-monitoring")
    officer.goto(f"/workshops/{workshop.pk}/monitor_pending/")
    look(officer, "workshop-monitor-form")

    admin = open_page()
    login(admin, "admin")
    admin.goto("/workshop-criteria/")
    look(admin, "workshop-criteria")
    admin.get_by_role("link", name="广西乡村就业工厂认定标准（2022）").click()
    expect(admin.locator("main")).to_contain_text("年营业收入不低于 50 万元")
    look(admin, "workshop-criteria-set")
    admin.get_by_role("link", name="修改历史").click()
    expect(admin.locator("main")).to_contain_text("年营业收入不低于 50 万元")
    look(admin, "workshop-criteria-history")


def test_an_officer_applies_for_an_employer_found_by_the_picker(open_page, world):
    mine = make_employer(world.alice, VILLAGE, "从江县竹编有限公司")
    make_employer(world.bob, "522631101001", "黎平竹编公司")  # not alice's region
    officer = open_page()
    login(officer, "alice")
    officer.goto("/workshops/apply/")
    employer = officer.locator("select[name=employer]")
    officer.locator("input[name=employer_q]").press_sequentially("竹编")
    # htmx asks for the options of employers that may apply: hers only, chosen as the only match
    expect(employer.locator("option")).to_have_count(2)
    expect(employer).to_have_value(str(mine.pk))
    officer.locator("input[name=name]").fill("大塘竹编帮扶车间")
    officer.locator("select[name=kind]").select_option("home")
    officer.locator("select[name=site]").select_option("relocation")
    look(officer, "workshop-apply-officer")
    officer.get_by_role("button", name="提交申报").click()
    expect(officer.locator(".messages")).to_contain_text("已申报就业帮扶车间 大塘竹编帮扶车间")
    assert Workshop.objects.get(name="大塘竹编帮扶车间").employer == mine
