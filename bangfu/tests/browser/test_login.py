"""Logging in, and the language selector of the top bar."""

import re

from django.utils import translation
from playwright.sync_api import expect

from bangfu.conftest import PASSWORD
from bangfu.tests.browser.conftest import login, shot


def test_it_refuses_a_wrong_password_then_logs_in(page, world):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("登录")
    shot(page, "login")
    page.locator("input[name=username]").fill("alice")
    page.locator("input[name=password]").fill(PASSWORD + "x")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_value("")
    login(page, "alice")
    expect(page.locator(".who")).to_contain_text("alice")


def test_the_language_selector_switches_to_english_and_back(open_page, county):
    page = open_page(locale="en-US")  # a browser set up in English still gets Chinese by default
    login(page, "alice")
    people = page.locator("nav.menu").get_by_role("link", name="人员台账")
    expect(people).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator("select[name=language]").select_option("en")  # submits the form on change
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))  # the same page, now in English
    with translation.override("en"):
        english = translation.gettext("人员台账")  # from bangfu/locale/en, whatever the wording
    assert english != "人员台账", "the English catalogue bangfu/locale/en/LC_MESSAGES/django.mo is missing"
    expect(page.locator("nav.menu")).not_to_contain_text("人员台账")
    expect(page.locator("select[name=language]")).to_have_value("en")
    shot(page, "home-en")

    page.locator("nav.menu").get_by_role("link", name=english, exact=True).click()
    expect(page.locator("h1")).to_have_text(english)
    page.locator("select[name=language]").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(people).to_be_visible()
    expect(page.locator("h1")).to_have_text("人员台账")
