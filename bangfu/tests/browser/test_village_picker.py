"""The township → village picker: choosing a township loads its villages (htmx, no inline script)."""

from playwright.sync_api import expect

from bangfu.tests.browser.conftest import login


def test_choosing_a_township_loads_its_villages_and_the_person_moves(page, world):
    login(page, "alice")
    page.goto(f"/people/{world.person.pk}/edit/")
    village = page.locator("select[name=region_code]")
    expect(village.locator("option")).to_have_text(["—", "大塘村", "岜沙村"])
    page.locator("select[name=township]").select_option(label="贯洞镇")
    expect(village.locator("option")).to_have_text(["—", "干团村"])
    village.select_option(label="干团村")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("main")).to_contain_text("干团村")
