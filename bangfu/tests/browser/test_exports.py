"""A big export in the browser: the list's 导出 Excel queues a job (the threshold lowered), the
progress page follows it through htmx without breaking the CSP, then offers the file."""

import io

from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from bangfu.exchange.tests.test_background import _run_worker
from bangfu.registry.models import Person
from bangfu.tests.browser.conftest import login, shot


def test_an_officer_exports_a_big_list_in_the_background(page, county, settings):
    settings.EXPORT_BACKGROUND_FROM = 5
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    login(page, "alice")
    page.goto("/people/")
    page.get_by_role("link", name="导出 Excel").click()
    expect(page.locator("#job-progress")).to_contain_text("排队中")
    expect(page.locator("#job-progress progress")).to_be_visible()
    _run_worker()  # the task worker, here in the test's process
    total = Person.objects.filter(region_code__startswith="522633").count()
    expect(page.locator("#job-progress")).to_contain_text(f"已导出 {total} / {total} 行")  # htmx polled
    shot(page, "export-progress")
    with page.expect_download() as download:
        page.locator("#job-progress a", has_text="下载").click()
    assert download.value.suggested_filename.startswith("人员台账-从江县-")
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 + total
    page.get_by_role("link", name="我的导出").first.click()
    expect(page.locator("table.list")).to_contain_text("人员台账")
    assert not [text for text in console if "Content Security Policy" in text], console
