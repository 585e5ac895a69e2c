from django.core.management import call_command, get_commands

from bangfu import cli, demo
from bangfu.accounts.models import User
from bangfu.registry.models import Household


def test_help_lists_every_bangfu_command(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    available = get_commands()
    for name, _ in cli.COMMANDS:
        assert name in out
        assert name in available, f"`bangfu {name}` is listed but no such command exists"


def test_refresh_recounts_households(world):
    household = Household.objects.create(number="5226331010010001", region_code="522633101001")
    world.person.household = household
    world.person.save()
    call_command("refresh")
    household.refresh_from_db()
    assert household.member_count == 1 and household.zero_employment


def test_demo_accounts_cover_every_role(world):
    from bangfu.accounts.models import Role
    from bangfu.regions.services import ensure_regions

    ensure_regions([("522633101000", "丙妹镇", 4), ("522633101001", "大塘村", 5)])
    User.objects.all().delete()
    accounts = demo.ensure_demo_accounts()
    assert {role for _, role, _, _ in accounts} == set(Role.values)
    surveyor = User.objects.get(username="zoufang")
    assert surveyor.region.level == 5 and surveyor.check_password(demo.DEMO_PASSWORD)
