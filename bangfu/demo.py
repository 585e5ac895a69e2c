"""The demo county and one account per role, created once and reused on later runs."""

import datetime
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone

from bangfu.accounts.models import Role, User
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry.models import Person

DEMO_COUNTY = "522633"  # 从江县, the county of seed 003
DEMO_PASSWORD = "bangfu-demo-2026"  # noqa: S105 (printed to the person who started the demo)


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """(user name, role, region code, display name) for each demo account."""
    township = Region.objects.filter(level=codes.TOWNSHIP, code__startswith=DEMO_COUNTY).order_by("code").first()
    village = Region.objects.filter(level=codes.VILLAGE, parent_code=township.code).order_by("code").first()
    county = codes.full_code(DEMO_COUNTY)
    return [
        ("admin", Role.ADMIN, "", "系统管理员"),
        ("renshe", Role.HRSS_OFFICER, county, "王丽（人社局就业股）"),
        ("canlian", Role.DPF_OFFICER, county, "杨芳（县残联）"),
        ("xiangzhen", Role.TOWNSHIP_OFFICER, township.code, f"石建国（{township.name}）"),
        ("zoufang", Role.SURVEYOR, village.code, f"吴秀英（{village.name}）"),
        ("qiye", Role.EMPLOYER, county, "梁志强（帮扶车间负责人）"),
        ("shenji", Role.AUDITOR, county, "陈静（审计）"),
    ]


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[str, str, str, str]]:
    accounts = demo_accounts()
    for username, role, region, name in accounts:
        if not User.objects.filter(username=username).exists():
            user = User(username=username, role=role, region_id=region or None, first_name=name,
                        is_staff=role == Role.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.save()
    return accounts


def demo_has_people() -> bool:
    return Person.objects.filter(codes.within(DEMO_COUNTY)).exists()


# The people the README and the user guide name as examples (search `zsf`, `张三`, `zhangsan`,
# ID tail `0117`, phone tail `5678`), planted in the demo so that every example works there.
EXAMPLE_HEAD = {
    "name": "张三丰", "id_number": "522633198503090117", "phone": "13812345678",
    "relationship": "head", "education": "junior", "labour_ability": "full", "poverty_status": "tuopin",
    "employment_status": "seeking", "wish_jobs": "厨工、服务员", "wish_travel": "county",
}
EXAMPLE_SKILLS = ["厨师"]
EXAMPLE_SURVEY = "入户走访：本人在家务农，有外出务工意愿，希望到县城做厨工，可参加烹饪培训。"


def example_village() -> Region:
    """The village the examples live in: the demo surveyor's (the first of the first township)."""
    return Region.objects.get(code=dict((u, r) for u, _role, r, _name in demo_accounts())["zoufang"])


def plant_examples() -> None:
    """Add the guide's example people through the ledger's actions (history and audit name the
    demo's county officer, who registered them), once."""
    from bangfu.core.history import acting_as
    from bangfu.registry import actions

    if Person.objects.filter(codes.within(DEMO_COUNTY), name=EXAMPLE_HEAD["name"],
                             id_number_tail=EXAMPLE_HEAD["id_number"][-4:]).exists():
        return
    village = example_village()
    with transaction.atomic():
        with acting_as(User.objects.get(username="renshe")) as officer:
            household = actions.do_create_household(officer, {
                "region_code": village.code, "address": f"{village.name}三组12号", "poverty_status": "tuopin"})
            person = actions.do_create_person(officer, {**EXAMPLE_HEAD, "household": household},
                                              skills=EXAMPLE_SKILLS)
        with acting_as(User.objects.get(username="zoufang")) as surveyor:
            actions.do_record_survey(surveyor, person, visited_on=timezone.localdate() - datetime.timedelta(days=20),
                                     findings=EXAMPLE_SURVEY, data={"employment_status": "seeking"})


def build_demo(people: int, *, seed: int = 2026, stdout=None) -> None:
    """The demo county, its accounts and its example people."""
    from bangfu.registry.generator import generate_county

    generate_county(DEMO_COUNTY, people, seed=seed, stdout=stdout)
    ensure_demo_accounts()
    plant_examples()
    build_employers(seed)


def build_employers(seed: int) -> None:
    """The county's employers, workshops with their timelines, a year of monthly records, demonstration
    sites and labour cooperatives; the policy examples first, so that the workshops' monitoring is
    evaluated against criteria in force. The county officer `renshe` is who certified and monitored
    the workshops; the demo operator `qiye` acts for the firm running the largest workshop."""
    from bangfu.core.history import acting_as
    from bangfu.employers.generator import generate_employers
    from bangfu.employers.models import Workshop
    from bangfu.employers.organisations.actions import do_bind_operator

    admin = User.objects.get(username="admin")
    with acting_as(admin):
        plant_policy_examples(admin)
    officer = User.objects.get(username="renshe")
    generate_employers(DEMO_COUNTY, seed=seed, actor=officer)
    largest = Workshop.objects.filter(codes.within(DEMO_COUNTY)).annotate(
        workers=Count("employments")).order_by("-workers", "id").first()
    if largest is not None:
        with acting_as(officer):
            do_bind_operator(officer, largest.employer, User.objects.get(username="qiye"))


def plant_policy_examples(admin) -> None:
    """Policy parameters for the demo, labelled as examples: Guangxi's 2022 workshop criteria applied to
    the province, 三免两减半 site-rent relief and a disabled-employment quota (a real county enters its own)."""
    from bangfu.employers.models import QuotaRule
    from bangfu.employers.workshops import criteria, rent

    province = DEMO_COUNTY[:2]
    criteria.load_criteria(admin, criteria.read_file(criteria.GUANGXI_2022), province)
    rent.do_save_rent_rule(admin, {
        "region_prefix": DEMO_COUNTY, "effective_from": datetime.date(2018, 1, 1), "name": "三免两减半",
        "shares": [0, 0, 0, 0.5, 0.5], "note": "演示数据：投产起前三年免租、第四至五年减半"})
    year = timezone.localdate().year
    QuotaRule.objects.get_or_create(region_prefix=province, year=year, defaults={
        "ratio": "0.015", "local_average_wage": 98_000, "exempt_up_to_staff": 30, "reduced_from_ratio": "0.01",
        "share_from_reduced": "0.5", "share_below_reduced": "0.9",
        "note": "演示数据：比例 1.5%，30 人以下免征，达到 1% 按 50%、不足 1% 按 90% 征收"})


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters (Chinese) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned(rows: list[list[str]], gap: int = 2) -> list[str]:
    """Rows of cells as lines whose columns line up in a terminal, Chinese text included."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["".join(cell + " " * (widths[i] - display_width(cell) + gap) for i, cell in enumerate(row)).rstrip()
            for row in rows]


class NotTheDemoDatabase(Exception):
    pass


def reset_database() -> Path:
    """Delete the demo's SQLite file (the next start builds the demo again). Refuses any other
    database: `bangfu demo --reset` must never empty a county's real ledger."""
    database = settings.DATABASES["default"]
    path = Path(str(database["NAME"]))
    demo_file = Path(settings.DATA_DIR) / "bangfu.sqlite3"
    if not database["ENGINE"].endswith("sqlite3") or path.resolve() != demo_file.resolve():
        raise NotTheDemoDatabase(f"--reset only deletes the demo database {demo_file}, not {path}")
    connections.close_all()
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        path.with_name(name).unlink(missing_ok=True)
    return path
