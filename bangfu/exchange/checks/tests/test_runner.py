"""Runs replace their own region's findings and no other's; the command and the audit log."""

import datetime

from django.core.management import call_command

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person
from bangfu.exchange.checks.models import CheckRun, Finding
from bangfu.exchange.checks.runner import run_checks, run_for_user
from bangfu.registry.models import Person

FUTURE = datetime.date.today() + datetime.timedelta(days=10)  # noqa: DTZ011 (a calendar date)


def _impossible(*people):
    Person.objects.filter(pk__in=[p.pk for p in people]).update(birth_date=FUTURE)


def _found(check_id="person.birth_date") -> set[int]:
    return set(Finding.objects.filter(check_id=check_id).values_list("record_id", flat=True))


def test_it_stores_findings_and_counts_of_a_run(world):
    _impossible(world.person)
    run = run_checks("522633", world.alice)
    assert run.counts["person.birth_date"] == 1
    assert run.finished_at is not None and run.user == world.alice
    finding = Finding.objects.get(check_id="person.birth_date")
    assert (finding.model, finding.record_id, finding.region_code, finding.reason, finding.run_id) == (
        "person", world.person.pk, world.person.region_code, "future", run.pk)


def test_it_replaces_the_findings_of_its_region(world):
    _impossible(world.person)
    run_checks("522633", world.alice)
    Person.objects.filter(pk=world.person.pk).update(birth_date=datetime.date(1985, 3, 9))
    _impossible(world.other_village_person)
    run_checks("522633", world.alice)
    assert _found() == {world.other_village_person.pk}
    assert Finding.objects.filter(check_id="person.birth_date").count() == 1


def test_a_township_run_leaves_other_townships_results(world):
    _impossible(world.person, world.other_village_person, world.outsider_person)
    run_checks("", world.admin)
    assert _found() == {world.person.pk, world.other_village_person.pk, world.outsider_person.pk}
    # Fixed in 丙妹镇 and in 贯洞镇; only 丙妹镇's officer runs the checks again.
    Person.objects.filter(pk__in=[world.person.pk, world.other_village_person.pk]).update(
        birth_date=datetime.date(1985, 3, 9))
    run = run_for_user(world.tom)
    assert run.region_prefix == "522633101"
    assert _found() == {world.other_village_person.pk, world.outsider_person.pk}


def test_a_run_of_one_check_keeps_the_others(world):
    _impossible(world.person)
    Person.objects.filter(pk=world.person.pk).update(gender="F")
    run_checks("522633", world.alice)
    Person.objects.filter(pk=world.person.pk).update(birth_date=datetime.date(1985, 3, 9))
    run_checks("522633", world.alice, only=["person.birth_date"])
    assert _found() == set()
    assert _found("person.gender_id") == {world.person.pk}


def test_it_writes_each_run_to_the_audit_log(world):
    _impossible(world.person)
    run_for_user(world.alice)
    entry = AuditEntry.objects.get(action=Action.BULK)
    assert (entry.user, entry.region_code, entry.detail["what"], entry.detail["rows"]) == (
        world.alice, "522633000000", "checks", Finding.objects.count())


def test_the_command_runs_over_a_region(world, capsys):
    _impossible(world.person, world.outsider_person)
    call_command("checks", "--region", "522631")
    assert _found() == {world.outsider_person.pk}
    assert CheckRun.objects.get().region_prefix == "522631"
    assert "person.birth_date" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_check(world):
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="unknown check"):
        call_command("checks", "--check", "person.nope")


def test_a_person_without_findings_leaves_none(world):
    make_person(world.alice, name="正常", seq=31, phone="")
    run = run_checks("522633101001", world.alice, only=["person.birth_date", "person.phone_not_mobile"])
    assert sum(run.counts.values()) == 0


def test_deleting_a_run_deletes_its_findings(world):
    # The findings' run has no constraint in the database (models.Finding.run): the ORM cascades.
    _impossible(world.person)
    old = run_checks("522633", world.alice)
    _impossible(world.outsider_person)
    kept = run_checks("522631", world.alice)
    old.delete()
    assert set(Finding.objects.values_list("run_id", flat=True)) == {kept.pk}
    assert Finding.objects.count() == sum(kept.counts.values()) > 0
