"""An import in the browser: upload a workbook one of whose columns the system cannot name, map it,
see the preview, commit, watch the progress (htmx, under the CSP), download the error workbook and
read a rejected row and its reason in it, then open the check results."""

import io

from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from bangfu.conftest import valid_id
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.tests.test_background import _run_worker
from bangfu.registry.models import Person
from bangfu.tests.browser.conftest import login, shot

HEADERS = ["乡镇", "村", "姓名", "身份号", "与户主关系", "劳动技能", "联系电话"]
ROWS = [
    ["丙妹镇", "大塘村", "龙老大", valid_id(seq=301), "户主", "普通劳动力", "13912340301"],
    ["丙妹镇", "大塘村", "龙小妹", valid_id(seq=302), "之女", "无劳动力", ""],
    ["丙妹镇", "岜沙村", "滚老二", "5.22633E+17", "户主", "普通劳动力", ""],   # Excel ate the ID number
    ["丙妹镇", "大塘村", "张三丰", valid_id(seq=11), "户主", "技能劳动力", "13812349999"],  # on file: a new phone
]


def test_an_officer_imports_a_workbook_maps_a_column_and_reads_the_rejected_rows(page, county, tmp_path):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    path = tmp_path / "丙妹镇台账.xlsx"
    path.write_bytes(xlsx([HEADERS, *ROWS]))
    login(page, "alice")
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.locator("h1")).to_contain_text("导入")
    page.locator("input[name=files]").set_input_files(str(path))
    shot(page, "import-upload")
    page.get_by_role("button", name="上传并识别").click()

    # The mapping step: 身份号 is no column name the system knows.
    expect(page.locator(".table-found")).to_contain_text("缺少必填字段：证件号码")
    expect(page.get_by_role("button", name="预览")).to_be_disabled()
    row = page.locator("table.columns tr", has_text="身份号")
    expect(row).to_contain_text("未识别")
    row.locator("select").select_option(label="证件号码 *")
    shot(page, "import-mapping")
    page.get_by_role("button", name="保存对应关系").click()
    expect(page.locator(".messages")).to_contain_text("列对应关系已保存")
    expect(page.locator(".table-found")).not_to_contain_text("缺少必填字段")

    page.get_by_role("button", name="预览").click()
    expect(page.locator("#import-progress")).to_contain_text("正在预览")
    _run_worker()  # the task worker, here in the test's process; htmx polls, then the page reloads
    preview = page.locator("section.preview")
    expect(preview).to_contain_text("台账尚未改动")
    counts = preview.locator("table.counts tbody tr").first
    expect(counts.locator("td")).to_have_text(["人员信息", "2", "1", "0", "1"])
    expect(preview.locator("table.changes")).to_contain_text("张三丰")
    expect(preview).to_contain_text("1 行未通过校验")
    shot(page, "import-preview")
    assert not Person.objects.filter(name="龙老大").exists()

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-progress")).to_contain_text("正在导入")
    _run_worker()
    result = page.locator("section.result")
    expect(result).to_contain_text("导入结果")
    expect(result.locator("table.counts tbody tr").first.locator("td")).to_have_text(["人员信息", "2", "1", "0", "1"])
    shot(page, "import-result")
    assert Person.objects.filter(name__in=["龙老大", "龙小妹"]).count() == 2

    with page.expect_download() as download:
        result.get_by_role("link", name="下载错误报告").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    header, *rejected = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert header[-1] == "错误原因" and len(rejected) == 1
    assert rejected[0][header.index("姓名")] == "滚老二" and "身份号" in rejected[0][-1]

    result.get_by_role("link", name="查看核查结果").click()
    expect(page.locator("h1")).to_contain_text("核查")
    expect(page.locator("table.checks")).to_be_visible()
    page.get_by_role("link", name="导入", exact=True).click()
    page.get_by_role("link", name="我的导入").click()
    expect(page.locator("table.imports")).to_contain_text("丙妹镇台账.xlsx")
    assert not [text for text in console if "Content Security Policy" in text], console
