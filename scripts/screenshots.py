"""The user guide's screenshots, taken from the demo as a user sees it.

Builds the demo county (bangfu.demo.build_demo: ~20,000 people and the guide's example people) in a
temporary directory, serves it with `bangfu serve`, and walks the guide's stories in Debian's
Chromium through Playwright, writing docs/screenshots/NAME.png (desktop 1280 px, phone 390 px,
full page). Run it as `bash scripts/screenshots [--only NAME ...] [--people N] [--out DIR]`.
"""

import argparse
import contextlib
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BANGFU = ROOT / ".venv" / "bin" / "bangfu"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "bangfu-demo-2026"  # noqa: S105 (the demo's published password)
ALL = ["login", "home", "person-search", "person-detail", "person-edit-error", "person-history",
       "person-revealed", "audit-log", "person-list", "export-opened", "regions", "zero-employment", "household",
       "home-en", "accounts", "account-password", "phone-home", "phone-person-list", "phone-search",
       "phone-survey", "phone-person"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def demo_server(people: int):
    """The demo built in a temporary directory and served on a free port; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="bangfu-screenshots-") as data:
        env = {**os.environ, "BANGFU_DATA_DIR": data}
        env.pop("BANGFU_DATABASE_URL", None)
        subprocess.run([BANGFU, "demo", "--no-serve", "--people", str(people)], env=env, check=True)  # noqa: S603
        port = free_port()
        server = subprocess.Popen([BANGFU, "serve", "--port", str(port)], env=env)  # noqa: S603
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bangfu serve did not start")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


class Camera:
    def __init__(self, browser, url: str, out: Path, only: set[str]):
        self.browser, self.url, self.out, self.only = browser, url, out, only

    def page(self, *, phone: bool = False, locale: str = "zh-CN"):
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        context = self.browser.new_context(base_url=self.url, locale=locale, timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15_000)
        return context.new_page()

    def login(self, page, username: str) -> None:
        page.goto("/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)

    def shot(self, page, name: str) -> None:
        if not self.only or name in self.only:
            page.screenshot(path=self.out / f"{name}.png", full_page=True, animations="disabled")
            print(f"  {name}.png")


def nav(page, name: str):
    return page.locator("nav.menu").get_by_role("link", name=name, exact=True)


def officer_stories(cam: Camera) -> None:
    """The county officer (renshe): find 张三丰, a refused edit, the fix in history, a reveal, a list."""
    page = cam.page()
    page.goto("/")
    expect(page.locator("h1")).to_have_text("登录")
    cam.shot(page, "login")
    cam.login(page, "renshe")
    expect(page.locator("h1")).to_contain_text("从江县")
    cam.shot(page, "home")

    nav(page, "人员台账").click()
    page.get_by_role("searchbox").fill("zsf")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("table.list tbody tr").filter(has_text="张三丰").first).to_be_visible()
    cam.shot(page, "person-search")
    page.locator("table.list").get_by_role("link", name="张三丰").first.click()
    expect(page.locator("h1")).to_contain_text("张三丰")
    cam.shot(page, "person-detail")

    page.get_by_role("link", name="编辑", exact=True).click()
    page.locator("input[name=id_number]").fill("522633198503090118")  # the check digit should be 7
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".field.has-error")).to_contain_text("校验码错误")
    cam.shot(page, "person-edit-error")
    page.locator("input[name=id_number]").fill("")  # empty: keep the number on file
    page.locator("input[name=wish_jobs]").fill("厨工、服务员、保安")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.get_by_role("link", name="修改历史").click()
    expect(page.locator("table.history tbody tr").first).to_contain_text("意向岗位")
    cam.shot(page, "person-history")

    page.go_back()
    page.reload()
    value = page.locator("#id_number-value")
    page.locator("dd").filter(has=value).get_by_role("button", name="显示").click()
    expect(value).to_have_text("522633198503090117")
    cam.shot(page, "person-revealed")

    page.goto("/people/")
    page.locator("select[name=region]").select_option("522633101")  # 丙妹镇
    page.locator("select[name=employment]").select_option("seeking")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("table.list tbody tr").first).to_be_visible()
    cam.shot(page, "person-list")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    opened = cam.page()
    opened.set_content(sheet_html(download.value.path(), download.value.suggested_filename))
    cam.shot(opened, "export-opened")
    opened.context.close()

    nav(page, "行政区划").click()
    expect(page.locator("h1")).to_contain_text("从江县")
    cam.shot(page, "regions")

    nav(page, "零就业家庭").click()
    rows = page.locator("table.list tbody tr")
    expect(rows.first).to_be_visible()
    cam.shot(page, "zero-employment")
    rows.first.get_by_role("link").first.click()
    expect(page.locator("h1")).to_contain_text("零就业家庭")
    page.locator("input[name=done_on]").fill(datetime.date.today().isoformat())  # noqa: DTZ011
    page.locator("select[name=action]").select_option("contact")
    page.locator("textarea[name=note]").fill("入户走访，户主愿意到县城务工，已登记求职意向")
    page.get_by_role("button", name="记录跟进").click()
    expect(page.locator(".messages")).to_contain_text("跟进记录已保存")
    cam.shot(page, "household")
    page.context.close()

    english = cam.page(locale="en-US")
    cam.login(english, "renshe")
    english.locator("select[name=language]").select_option("en")
    expect(english.locator("html")).to_have_attribute("lang", "en")
    cam.shot(english, "home-en")
    english.context.close()


def sheet_html(path: str, filename: str, rows: int = 16, window: int = 1280) -> str:
    """The top left of an exported workbook as a spreadsheet program shows it in a window, read back
    with openpyxl: column letters, row numbers, the widths the file sets, text running over empty cells."""
    from html import escape

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with open(path, "rb") as f:  # the download has no .xlsx suffix, which load_workbook(path) wants
        sheet = load_workbook(f).worksheets[0]
    pixels = []  # Excel's width unit is about one digit: 7.5 px at 13 px
    for i in range(1, sheet.max_column + 1):
        pixels.append(round((sheet.column_dimensions[get_column_letter(i)].width or 9) * 7.5))
        if 36 + sum(pixels) >= window:
            break
    shown = len(pixels)
    cols = "".join(f'<col style="width:{px}px">' for px in pixels)
    head = "".join(f"<th>{get_column_letter(i)}</th>" for i in range(1, shown + 1))
    body = ""
    for n, row in enumerate(sheet.iter_rows(max_row=rows, max_col=shown, values_only=True), start=1):
        cells = ["" if v is None else str(v) for v in row] + [""] * (shown - len(row))
        if cells[0] and not any(cells[1:]):  # a caption: runs over the empty cells beside it
            body += f'<tr><th>{n}</th><td colspan="{shown}">{escape(cells[0])}</td></tr>'
        else:
            body += f"<tr><th>{n}</th>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"
    return f"""<!doctype html><meta charset="utf-8"><style>
      body {{ margin: 0; font: 13px "Noto Sans CJK SC", sans-serif; overflow: hidden; }}
      p {{ margin: 0; padding: 6px 10px; background: #217346; color: #fff; }}
      table {{ border-collapse: collapse; table-layout: fixed; }}
      th, td {{ border: 1px solid #d4d4d4; padding: 2px 4px; white-space: nowrap; overflow: hidden; }}
      th {{ background: #f3f3f3; font-weight: normal; color: #555; }}
    </style><p>{escape(filename)} — {escape(sheet.title)}</p>
    <table style="width:{36 + sum(pixels)}px"><col style="width:36px">{cols}<tr><th></th>{head}</tr>{body}</table>"""


def admin_story(cam: Camera) -> None:
    """The administrator (admin) lists the accounts; every user's password page."""
    page = cam.page()
    cam.login(page, "admin")
    nav(page, "账号管理").click()
    expect(page.locator("table tbody tr").filter(has_text="renshe")).to_be_visible()
    cam.shot(page, "accounts")
    page.goto("/password/")
    expect(page.locator("input[name=old_password]")).to_be_visible()
    cam.shot(page, "account-password")
    page.context.close()


def auditor_story(cam: Camera) -> None:
    """The auditor (shenji) finds the officer's reveal of 张三丰's ID number."""
    page = cam.page()
    cam.login(page, "shenji")
    nav(page, "审计日志").click()
    page.locator("input[name=user]").fill("renshe")
    page.locator("select[name=action]").select_option(label="查看完整证件号")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table tbody tr").first).to_contain_text("张三丰")
    cam.shot(page, "audit-log")
    page.context.close()


def surveyor_story(cam: Camera) -> None:
    """The village surveyor (zoufang) records a survey of 张三丰 on a phone."""
    page = cam.page(phone=True)
    cam.login(page, "zoufang")
    cam.shot(page, "phone-home")
    nav(page, "人员台账").click()
    expect(page.locator("table.list tbody tr").first).to_be_visible()
    cam.shot(page, "phone-person-list")
    page.get_by_role("searchbox").fill("zsf")
    page.get_by_role("button", name="查询").tap()
    expect(page.locator("table.list").get_by_role("link", name="张三丰").first).to_be_visible()
    cam.shot(page, "phone-search")
    page.locator("table.list").get_by_role("link", name="张三丰").first.tap()
    page.get_by_role("link", name="记录走访").tap()
    expect(page.locator("h1")).to_contain_text("记录走访")
    page.locator("textarea[name=findings]").fill("本人已在丙妹镇就业帮扶车间做厨工，每月约 2800 元。")
    page.locator("select[name=employment_status]").select_option("in_county")
    page.locator("input[name=employer_name]").fill("丙妹镇就业帮扶车间（食堂）")
    cam.shot(page, "phone-survey")
    page.get_by_role("button", name="保存走访记录").tap()
    expect(page.locator(".messages")).to_contain_text("走访记录已保存")
    cam.shot(page, "phone-person")
    page.context.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], choices=ALL, metavar="NAME",
                        help="take only these screenshots (the stories still run in full)")
    parser.add_argument("--people", type=int, default=20_000, help="people in the demo county")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    args.out.mkdir(parents=True, exist_ok=True)
    with demo_server(args.people) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        cam = Camera(browser, url, args.out, set(args.only))
        officer_stories(cam)
        admin_story(cam)
        auditor_story(cam)
        surveyor_story(cam)
        browser.close()


if __name__ == "__main__":
    main()
