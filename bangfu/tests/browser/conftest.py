"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

One Chromium per test session (per xdist worker), a fresh browser context per test. The pages are
served by `live_server` (a real HTTP server in a thread of the test process, on a transactional
test database: SQLite or PostgreSQL alike). Users log in through the real login form.

BANGFU_SKIP_BROWSER=1      skip these tests (for machines without Chromium); otherwise a missing
                           /usr/bin/chromium fails them, so CI cannot pass without running them.
BANGFU_SCREENSHOTS=1       write the full-page screenshots of docs/guide.md into docs/screenshots/.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from bangfu.conftest import PASSWORD, valid_id
from bangfu.registry import actions

# Playwright's sync API runs an asyncio event loop in the test thread (in a greenlet). Django's ORM
# sees a running loop and refuses to work ("SynchronousOnlyOperation") in the test's own code and
# in fixtures that run after the browser has started. The tests are plain sync code, so allow it
# (the remedy Playwright's maintainers give: microsoft/playwright-pytest#29). This file is only
# loaded with the browser tests, and the live server answers in its own thread either way.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("BANGFU_SKIP_BROWSER") == "1":
        pytest.skip("BANGFU_SKIP_BROWSER=1: browser tests skipped")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk); "
            "set BANGFU_SKIP_BROWSER=1 to skip them on a machine without it",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: one per user); closed after the test.

    phone=True gives a phone-sized, touch browser (390 × 844) as a village surveyor uses it; locale
    is the browser's own language (a Chinese office PC's by default).
    """
    contexts = []

    def open_page(*, phone: bool = False, locale: str = "zh-CN"):
        # locale: the browser's language (navigator.language, Accept-Language); the pages answer in
        # Chinese whatever it is, until the user picks another language with the switcher.
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id="Asia/Shanghai",
                                      **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A desktop page (1280 × 800) in a fresh context."""
    return open_page()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, and wait for the home page."""
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def shot(page, name: str) -> None:
    """A full-page screenshot for the user guide, only when BANGFU_SCREENSHOTS=1."""
    if os.environ.get("BANGFU_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled")


# A county that looks like a real one in the screenshots: households in three villages of 从江县,
# people of every employment status, a relocated household, a monitored one, two zero-employment
# households (one already followed up), a disabled person with a card, and a few surveys.
# (name, birth, relationship, employment, extra fields); each household: village, address, members.
HOUSEHOLDS = [
    ("522633101001", "大塘村一组 12 号", {"poverty_status": "tuopin"}, [
        ("杨光明", (1978, 4, 2), "head", "out_province", {"employer_name": "广东省东莞市某电子厂"}),
        ("吴秀英", (1980, 9, 15), "spouse", "in_county", {"employer_name": "丙妹镇就业帮扶车间（刺绣）"}),
        ("杨小龙", (2002, 1, 20), "child", "out_county", {"employer_name": "贵阳市某物流公司"}),
    ]),
    ("522633101001", "大塘村三组 5 号", {"poverty_status": "monitored", "monitoring_category": "unstable"}, [
        ("吴老三", (1975, 6, 8), "head", "seeking", {"wish_jobs": "保安、护路员", "wish_travel": "county"}),
        ("潘桂兰", (1977, 11, 30), "spouse", "not_seeking", {"not_seeking_reason": "caring"}),
        ("吴金花", (2010, 3, 3), "child", "not_seeking", {"not_seeking_reason": "studying",
                                                          "labour_ability": "none"}),
    ]),
    ("522633101001", "大塘村二组 8 号", {"poverty_status": "tuopin"}, [
        ("石志强", (1988, 2, 14), "head", "public_welfare", {"employer_name": "护路员"}),
        ("龙美玲", (1990, 7, 7), "spouse", "flexible", {}),
    ]),
    ("522633101002", "岜沙村上寨 21 号", {"poverty_status": "tuopin", "relocated": True,
                                    "relocation_site": "丙妹镇城南安置点"}, [
        ("贾老根", (1969, 12, 1), "head", "seeking", {"wish_jobs": "种植、养殖", "wish_travel": "township"}),
        ("王妹英", (1972, 5, 19), "spouse", "seeking", {"training_wishes": "刺绣、蜡染"}),
    ]),
    ("522633101002", "岜沙村下寨 3 号", {"poverty_status": "none"}, [
        ("滚正明", (1985, 8, 25), "head", "self_employed", {"employer_name": "岜沙苗寨民宿"}),
        ("贾春燕", (1987, 10, 10), "spouse", "in_county", {"employer_name": "从江县文旅公司"}),
        ("滚小雨", (2008, 4, 4), "child", "not_seeking", {"not_seeking_reason": "studying"}),
    ]),
    ("522633102001", "干团村中寨 16 号", {"poverty_status": "tuopin", "relocated": True,
                                    "relocation_site": "贯洞镇易地扶贫搬迁安置点"}, [
        ("梁文华", (1982, 1, 11), "head", "out_province", {"employer_name": "浙江省宁波市某服装厂"}),
        ("韦月娥", (1983, 3, 21), "spouse", "out_province", {"employer_name": "浙江省宁波市某服装厂"}),
        ("梁老奶", (1950, 2, 2), "parent", "not_seeking", {"not_seeking_reason": "age", "labour_ability": "none"}),
    ]),
    ("522633102001", "干团村上寨 9 号", {"poverty_status": "low_income"}, [
        ("陆永福", (1979, 9, 9), "head", "seeking", {"wish_jobs": "建筑工、挖掘机操作", "wish_travel": "anywhere",
                                                     "wish_pay": 4500}),
        ("陆海燕", (1999, 12, 12), "child", "seeking", {"wish_jobs": "电子商务", "training_wishes": "直播带货"}),
    ]),
]
WOMEN = {"吴秀英", "潘桂兰", "吴金花", "龙美玲", "王妹英", "贾春燕", "滚小雨", "韦月娥", "梁老奶", "陆海燕",
         "潘阿妹", "石金凤"}
# People kept in the ledger outside any household (the world's 张三丰 and 李四 are such people).
SINGLES = [
    ("522633101001", "潘阿妹", (1992, 5, 5), "out_county", {"employer_name": "凯里市某酒店"}),
    ("522633101001", "石金凤", (1986, 8, 8), "seeking", {
        "labour_ability": "partial", "wish_jobs": "盲人按摩", "wish_hours": "part_time", "wish_travel": "county"}),
    ("522633101002", "韦国庆", (1970, 10, 1), "in_county", {"employer_name": "从江县城市管理局（保洁）"}),
    ("522633102001", "龙小军", (1995, 6, 16), "flexible", {"wish_jobs": "电工"}),
    ("522633102001", "吴建华", (1965, 3, 8), "not_seeking", {"not_seeking_reason": "illness",
                                                          "labour_ability": "partial"}),
]


@pytest.fixture
def county(world):
    """The world plus about 30 realistic people; returns the world, with `.zero` and `.disabled`."""
    admin = world.admin
    seq = 201

    def person(name, birth, data):
        nonlocal seq
        seq += 2
        number = seq + (name in WOMEN)  # the sequence number's parity is the gender: odd men, even women
        values = {
            "name": name, "id_number": valid_id("522633", datetime.date(*birth), number),
            "relationship": "head", "labour_ability": "full", "poverty_status": "tuopin",
            "phone": f"139{number:04d}{number * 7 % 10000:04d}", **data,
        }
        return actions.do_create_person(admin, values)

    zero = []
    for village, address, kind, members in HOUSEHOLDS:
        household = actions.do_create_household(admin, {"region_code": village, "address": address, **kind})
        for name, birth, relationship, employment, extra in members:
            person(name, birth, {"household": household, "relationship": relationship,
                                 "poverty_status": kind["poverty_status"],
                                 "monitoring_category": kind.get("monitoring_category", ""),
                                 "relocated": kind.get("relocated", False),
                                 "relocation_site": kind.get("relocation_site", ""),
                                 "employment_status": employment, **extra})
        household.refresh_from_db()
        if household.zero_employment:
            zero.append(household)
    for village, name, birth, employment, extra in SINGLES:
        person(name, birth, {"region_code": village, "employment_status": employment, **extra})

    # A person of the 残联's ledger: a card is the ID number + category 4 (physical) + grade 1.
    card_id = valid_id("522633", datetime.date(1991, 7, 1), seq + 3)  # even: a woman
    world.disabled = actions.do_create_person(admin, {
        "name": "杨秀珍", "id_number": card_id, "region_code": "522633101002", "relationship": "head",
        "labour_ability": "partial", "poverty_status": "tuopin", "employment_status": "seeking",
        "disability_card": card_id + "41", "wish_jobs": "电商客服", "training_wishes": "电子商务",
    })

    today = timezone.localdate()
    actions.do_record_follow_up(world.alice, zero[0], done_on=today - datetime.timedelta(days=6),
                                action="job_offered", note="推荐到丙妹镇就业帮扶车间，本人愿意去看看")
    actions.do_record_survey(world.sam, world.person, visited_on=today - datetime.timedelta(days=20),
                             findings="本人在家务农，有外出务工意愿，希望在县内找工作。",
                             data={"wish_jobs": "电工、保安", "wish_travel": "county"})
    world.zero = zero
    return world
