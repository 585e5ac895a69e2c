"""The administrator creates an account and resets its password; the user must change it first."""

import re

from playwright.sync_api import expect

from bangfu.tests.browser.conftest import login, shot

NEW_PASSWORD = "village-survey-autumn-2026"  # noqa: S105


def test_the_admin_creates_a_surveyor_resets_the_password_and_the_surveyor_must_change_it(open_page, world):
    admin = open_page()
    login(admin, "admin")
    admin.locator("nav.menu").get_by_role("link", name="账号管理").click()
    expect(admin.locator("h1")).to_have_text("账号管理")
    admin.get_by_role("link", name="新建账号").click()
    expect(admin.locator("h1")).to_have_text("新建账号")
    admin.locator("input[name=username]").fill("Lily ")
    admin.locator("input[name=first_name]").fill("李丽")
    admin.locator("select[name=role]").select_option("surveyor")
    admin.locator("input[name=region]").fill("5226331010")  # not a code: the field says so
    admin.get_by_role("button", name="创建账号").click()
    expect(admin.locator(".field.has-error")).to_contain_text("区划代码应为 2、4、6、9 或 12 位数字")
    admin.locator("input[name=region]").fill("522633101002")
    admin.get_by_role("button", name="创建账号").click()
    expect(admin.locator("h1")).to_have_text("账号已创建")
    first = admin.locator("#temporary-password").inner_text()

    admin.get_by_role("link", name="账号管理").first.click()
    expect(admin.locator("table.list")).to_contain_text("李丽")
    admin.locator("select[name=role]").select_option("surveyor")
    admin.get_by_role("button", name="查询").click()
    expect(admin.locator("table.list tbody tr")).to_have_count(2)  # sam and lily
    expect(admin.locator("table.list")).to_contain_text("待改密码")
    shot(admin, "accounts")

    admin.get_by_role("link", name="lily").click()
    expect(admin.locator("input[name=region]")).to_have_value("522633101002")
    admin.get_by_role("button", name="重置密码").click()
    expect(admin.locator("h1")).to_have_text("密码已重置")
    temporary = admin.locator("#temporary-password").inner_text()
    assert temporary != first

    lily = open_page()
    lily.goto("/login/")
    lily.locator("input[name=username]").fill("lily")
    lily.locator("input[name=password]").fill(first)  # the first password no longer works
    lily.locator("main form button[type=submit]").click()
    expect(lily.locator(".form-errors")).to_be_visible()
    login(lily, "ＬＩＬＹ", temporary)  # any spelling of the name
    expect(lily).to_have_url(re.compile(r"/password/$"))
    expect(lily.locator("[role=status]")).to_contain_text("管理员为您重置了密码")
    lily.goto("/people/")
    expect(lily).to_have_url(re.compile(r"/password/$"))  # nothing else until it is changed
    lily.locator("input[name=old_password]").fill(temporary)
    lily.locator("input[name=new_password1]").fill("12345678")
    lily.locator("input[name=new_password2]").fill("12345678")
    lily.locator("main form button[type=submit]").click()
    expect(lily.locator(".field.has-error")).to_be_visible()  # Django's validators: too common, numeric
    shot(lily, "account-password")
    lily.locator("input[name=old_password]").fill(temporary)
    lily.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    lily.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    lily.locator("main form button[type=submit]").click()
    expect(lily.locator(".messages")).to_contain_text("密码已修改")
    lily.locator("nav.menu").get_by_role("link", name="人员台账").click()
    expect(lily.locator("h1")).to_contain_text("人员台账")
    expect(lily.locator("nav.menu")).not_to_contain_text("API")  # a surveyor has no API access (tokens, docs)
