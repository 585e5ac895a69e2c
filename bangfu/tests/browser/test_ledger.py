"""An officer's day with the people ledger, in a real browser: find, read, correct, reveal, export."""

import io
import re

from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import User
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.registry.models import Person
from bangfu.tests.browser.conftest import login, shot


def nav(page, name):
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True)


def test_it_finds_by_initials_rejects_a_bad_id_number_and_shows_the_fix_in_history(page, county):
    login(page, "alice")
    expect(page.locator("h1")).to_contain_text("从江县")
    in_county = Person.objects.filter(region_code__startswith="522633").count()
    expect(page.locator(".cards .card").first.locator(".value")).to_have_text(str(in_county))
    shot(page, "home")

    nav(page, "人员台账").click()
    page.get_by_role("searchbox").fill("zsf")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三丰")
    expect(rows.first).to_contain_text(county.person.id_number_masked)
    expect(rows.first).not_to_contain_text(valid_id(seq=11))
    shot(page, "person-search")

    rows.first.get_by_role("link", name="张三丰").click()
    expect(page.locator("h1")).to_contain_text("张三丰")
    expect(page.locator("#id_number-value")).to_have_text(county.person.id_number_masked)
    expect(page.locator(".survey")).to_contain_text("有外出务工意愿")
    shot(page, "person-detail")

    page.get_by_role("link", name="编辑", exact=True).click()
    good = valid_id(seq=17)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    id_input = page.locator("input[name=id_number]")
    id_input.fill(bad)
    page.get_by_role("button", name="保存", exact=True).click()
    field = page.locator(".field.has-error").filter(has=page.locator("input[name=id_number]"))
    expect(field.get_by_role("alert")).to_contain_text(f"校验码错误：第 18 位应为 {good[17]}")
    expect(page.locator(".form-errors")).to_contain_text("请修改标红的内容后再保存")
    expect(id_input).to_have_value(bad)  # what was typed stays, to be corrected
    shot(page, "person-edit-error")
    county.person.refresh_from_db()
    assert county.person.id_number_tail == valid_id(seq=11)[-4:]

    id_input.fill(good)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#id_number-value")).to_have_text(f"{good[:4]}{'*' * 10}{good[-4:]}")

    page.get_by_role("link", name="修改历史").click()
    newest = page.locator("table.history tbody tr").first
    expect(newest).to_contain_text("alice")
    expect(newest).to_contain_text("身份证号")
    expect(newest).to_contain_text("已更改")
    expect(page.locator("table.history")).not_to_contain_text(good)  # history never shows the number
    shot(page, "person-history")


def test_a_revealed_id_number_shows_in_full_and_the_auditor_sees_the_reveal(open_page, county):
    alice = open_page()
    login(alice, "alice")
    alice.goto(f"/people/{county.person.pk}/")
    value = alice.locator("#id_number-value")
    expect(value).to_have_text(county.person.id_number_masked)
    alice.locator("dd").filter(has=value).get_by_role("button", name="显示").click()
    expect(value).to_have_text(valid_id(seq=11))
    shot(alice, "person-revealed")
    assert AuditEntry.objects.filter(action=Action.REVEAL, username="alice", field="id_number").count() == 1

    User.objects.filter(username="alice").update(first_name="王丽")
    audrey = open_page()
    login(audrey, "audrey")
    nav(audrey, "审计日志").click()
    audrey.locator("input[name=user]").fill("alice")
    audrey.locator("select[name=action]").select_option(label="查看完整证件号")
    audrey.get_by_role("button", name="筛选").click()
    expect(audrey).to_have_url(re.compile(r"user=alice"))
    reveal = audrey.locator("table tbody tr")
    expect(reveal).to_have_count(1)
    expect(reveal).to_contain_text("王丽 alice")
    expect(reveal).to_contain_text("字段：身份证号")
    expect(reveal.get_by_role("link", name=county.person.name)).to_have_attribute(
        "href", f"/people/{county.person.pk}/")
    shot(audrey, "audit-log")


def test_an_officer_of_another_county_gets_the_404_page(page, world):
    login(page, "bob")
    response = page.goto(f"/people/{world.person.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("main")).to_contain_text("不在您的管辖范围内")
    expect(page.locator("main")).not_to_contain_text("张三丰")
    page.goto("/people/?q=zsf")
    expect(page.locator("table.list tbody")).to_contain_text("没有符合条件的人员")


def test_the_filtered_list_exports_to_excel_scoped_and_masked(page, county):
    login(page, "alice")
    page.goto("/people/")
    page.locator("select[name=region]").select_option("522633101")  # 丙妹镇
    page.locator("select[name=employment]").select_option("seeking")
    page.get_by_role("button", name="查询").click()
    expected = Person.objects.filter(region_code__startswith="522633101", employment_status="seeking")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(expected.count())

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"人员台账-丙妹镇-{timezone.localdate().isoformat()}.xlsx"
    with open(path, "rb") as f:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(f.read())).get_sheet_by_index(0).to_python()
    assert sorted(row[1] for row in sheet[2:]) == sorted(expected.values_list("name", flat=True))
    assert sheet[2][2] == expected.order_by("region_code", "id").first().id_number_masked
    flat = " ".join(str(cell) for row in sheet for cell in row)
    assert valid_id(seq=11) not in flat and "13812345678" not in flat


def test_the_region_tree_counts_people_down_to_the_villages(page, county):
    login(page, "alice")
    nav(page, "行政区划").click()
    expect(page.locator("h1")).to_contain_text("从江县")
    town = page.locator("table tbody tr").filter(has_text="丙妹镇")
    expect(town.locator("td.num")).to_have_text(str(Person.objects.filter(region_code__startswith="522633101").count()))
    expect(page.locator("table tbody")).not_to_contain_text("黎平县")
    shot(page, "regions")
    town.get_by_role("link", name="丙妹镇").click()
    village = page.locator("table tbody tr").filter(has_text="岜沙村")
    expect(village.locator("td.num")).to_have_text(str(Person.objects.filter(region_code="522633101002").count()))
    village.locator("td.num a").click()
    expect(page.locator("table.list tbody tr")).to_have_count(Person.objects.filter(region_code="522633101002").count())
