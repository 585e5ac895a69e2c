"""The pages work under the Content-Security-Policy, and break none of its rules."""

from playwright.sync_api import expect

from bangfu.conftest import valid_id
from bangfu.tests.browser.conftest import login

# The browser reports every breach of the policy as an event (and a console error).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber));
"""


def test_the_main_pages_work_without_breaking_the_policy(page, county):
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.context.add_init_script(WATCH)
    seen = []

    def check():
        seen.extend(page.evaluate("window.__violations"))

    login(page, "alice")
    page.goto("/people/?q=zsf")
    expect(page.locator("table.list tbody")).to_contain_text("张三丰")
    check()
    page.goto(f"/people/{county.person.pk}/")
    value = page.locator("#id_number-value")
    page.locator("dd").filter(has=value).get_by_role("button", name="显示").click()
    expect(value).to_have_text(valid_id(seq=11))   # htmx runs from its static file
    check()
    page.goto("/households/new/")
    expect(page.locator("main form")).to_be_visible()
    check()
    page.goto(f"/people/{county.person.pk}/survey/")
    expect(page.locator("main form")).to_be_visible()
    check()
    page.goto("/api/docs")  # a large spec: Swagger UI is slow to render it on a loaded machine
    expect(page.locator(".swagger-ui .info")).to_contain_text("bangfu API", timeout=30_000)
    check()
    page.goto("/people/")
    page.locator("select[name=language]").select_option("en")   # submits from bangfu.js
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check()
    assert seen == []
    assert not [text for text in console if "Content Security Policy" in text], console
