"""The demo county and one account per role, created once and reused on later runs."""

from django.db import transaction

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
