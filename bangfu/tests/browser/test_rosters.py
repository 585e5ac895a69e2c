"""An employer's operator in the browser: fills in a month's roster on the page (an employment on
file, a new person added by ID number and name, a row with impossible days), reads the result with
the refused row and its reason; then uploads a roster workbook through the importer."""

import datetime
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bangfu.conftest import valid_id
from bangfu.employers.employment import actions
from bangfu.employers.models import EmployerOperator, MonthlyRecord
from bangfu.employers.testing import make_employer
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.tests.test_background import _run_worker
from bangfu.tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)
ZHANG = valid_id("522633", datetime.date(1985, 3, 9), 11)
LI = valid_id("522633", datetime.date(1985, 3, 9), 13)


def picture(shown, name: str) -> None:
    """Where to look at what the test saw: BANGFU_SCREENSHOTS=1 writes bangfu-<name>.png in the temp folder."""
    if os.environ.get("BANGFU_SCREENSHOTS") == "1":
        shown.screenshot(path=str(Path(tempfile.gettempdir()) / f"bangfu-{name}.png"), full_page=True)


@pytest.fixture
def employer(world):
    employer = make_employer(world.alice, "522633101001", "从江县绣娘服饰有限公司")
    EmployerOperator.objects.create(user=world.ed, employer=employer, bound_by=world.admin)
    actions.do_start_employment(world.alice, employer, {"id_number": ZHANG, "name": "张三丰", "job_title": "绣工",
                                                        "start_date": datetime.date(2024, 1, 1)})
    return employer


def test_an_operator_submits_a_months_roster_in_the_form(page, world, employer):
    login(page, "ed")
    page.goto("/rosters/?month=2024-03")
    expect(page.locator("h1")).to_contain_text("2024年03月")
    row = page.locator("table.roster tbody tr", has_text="张三丰")
    row.locator("input[name$=_days_worked]").fill("22")
    row.locator("input[name$=_pay]").fill("2600")
    row.locator("input[name$=_insurance]").fill("15")
    added = page.locator("table.roster tbody tr.added")
    added.nth(0).locator("input[name$=_id_number]").fill(LI)
    added.nth(0).locator("input[name$=_name]").fill("李四")
    added.nth(0).locator("input[name$=_days_worked]").fill("40")
    added.nth(0).locator("input[name$=_pay]").fill("1800")
    picture(page, "roster-form")
    page.get_by_role("button", name="报送本月花名册").click()
    expect(page.locator("h1")).to_contain_text("花名册报送结果")
    expect(page.locator("table.refused")).to_contain_text("出勤天数：")
    expect(page.locator("table.refused")).to_contain_text("李四")
    picture(page, "roster-result")
    assert MonthlyRecord.objects.get().days_worked == 22


def test_an_operator_uploads_a_roster_workbook(page, world, employer, tmp_path):
    path = tmp_path / "三月花名册.xlsx"
    path.write_bytes(xlsx([["证件号码", "姓名", "月份", "出勤天数", "应发工资", "意外伤害保险"],
                           [ZHANG, "张三丰", "2024年03月", 20, 2400, 15],
                           [LI, "李四", "2024年03月", 18, -5, 15]]))
    login(page, "ed")
    page.goto("/rosters/?month=2024-03")
    page.get_by_role("link", name="上传花名册文件").click()
    page.locator("input[name=files]").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()
    page.get_by_role("button", name="预览").click()
    _run_worker()
    expect(page.locator("section.preview")).to_contain_text("月度用工花名册")
    page.get_by_role("button", name="确认导入").click()
    _run_worker()
    result = page.locator("section.result")
    expect(result.locator("table.counts tbody tr").first.locator("td")).to_have_text(
        ["月度用工花名册", "1", "0", "0", "1", "0"])  # 新增 更新 无变化 未通过 移除
    picture(page, "roster-import")
    assert MonthlyRecord.objects.get().pay == 2400
