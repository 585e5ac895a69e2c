import datetime

import pytest
from django.core.exceptions import ValidationError

from bangfu.audit.models import AuditEntry
from bangfu.conftest import valid_id
from bangfu.core.permissions import Forbidden
from bangfu.employers.employment import actions
from bangfu.employers.employment.spells import place_of
from bangfu.employers.models import Employment
from bangfu.employers.testing import make_employer
from bangfu.registry.models import EmploymentSpell

ZHANG = valid_id("522633", datetime.date(1985, 3, 9), 11)


def start(user, employer, **data):
    return actions.do_start_employment(user, employer, {"id_number": ZHANG, "name": "张三丰",
                                                        "start_date": datetime.date(2024, 2, 1), **data})


def test_it_starts_an_employment_and_the_ledger_status_follows(world, shop):
    employer, workshop = shop
    employment = start(world.ed, employer, workshop=workshop.pk, job_title="绣工")
    world.person.refresh_from_db()
    assert employment.region_code == workshop.region_code
    spell = employment.spell
    assert (spell.channel, spell.place, spell.end_month) == ("workshop", "in_county", None)
    assert spell.employer_name == employer.name
    assert world.person.employment_status == "in_county" and world.person.employer_name == employer.name
    assert employment.history.count() == 1


def test_it_takes_the_employers_region_without_a_workshop_and_a_channel_other_than_workshop(world, shop):
    employer, _workshop = shop
    employment = start(world.ed, employer)
    assert employment.region_code == employer.region_code
    assert employment.spell.channel == "self_found"


def test_a_name_that_does_not_match_reads_like_an_unknown_number(world, shop):
    employer, _workshop = shop
    with pytest.raises(ValidationError) as wrong_name:
        start(world.ed, employer, name="张三")
    with pytest.raises(ValidationError) as unknown:
        start(world.ed, employer, id_number=valid_id("522633", datetime.date(1990, 1, 1), 77))
    assert wrong_name.value.message_dict == unknown.value.message_dict
    assert "张三丰" not in str(wrong_name.value)


def test_a_workshop_of_another_employer_is_refused(world, shop):
    employer, _workshop = shop
    other = make_employer(world.alice, "522633101001", "别家")
    from bangfu.employers.models import Workshop
    theirs = Workshop.objects.create(employer=other, name="别家车间", kind="factory", site="poor_village",
                                     region_code="522633101001")
    with pytest.raises(ValidationError) as refused:
        start(world.ed, employer, workshop=theirs.pk)
    assert "workshop" in refused.value.message_dict


def test_an_operator_cannot_start_an_employment_at_another_employer(world, shop):
    other = make_employer(world.alice, "522633101001", "别家")
    with pytest.raises(Forbidden):
        start(world.ed, other)


def test_ending_it_ends_the_spell_and_the_person_seeks_work_again(world, shop):
    employer, _workshop = shop
    employment = start(world.ed, employer)
    actions.do_end_employment(world.ed, employment, datetime.date(2024, 5, 20), version=employment.version)
    world.person.refresh_from_db()
    spell = EmploymentSpell.objects.get(pk=employment.spell_id)
    assert spell.end_month == datetime.date(2024, 5, 1)
    assert world.person.employment_status == "seeking"
    assert AuditEntry.objects.filter(action="update").exists()


def test_an_end_before_the_start_is_refused(world, shop):
    employer, _workshop = shop
    employment = start(world.ed, employer)
    with pytest.raises(ValidationError) as refused:
        actions.do_end_employment(world.ed, employment, datetime.date(2024, 1, 5))
    assert "end_date" in refused.value.message_dict


def test_an_update_on_an_older_version_is_refused(world, shop):
    from bangfu.core.writes import StaleEdit

    employer, _workshop = shop
    employment = start(world.ed, employer)
    assert actions.do_update_employment(world.ed, employment, {"job_title": "车工"}, version=1) == ["job_title"]
    with pytest.raises(StaleEdit):
        actions.do_update_employment(world.ed, employment, {"job_title": "绣工"}, version=1)
    assert Employment.objects.get(pk=employment.pk).job_title == "车工"


def test_an_open_spell_naming_the_employer_is_taken_over_not_doubled(world, shop):
    from bangfu.registry.actions import do_record_spell

    employer, _workshop = shop
    do_record_spell(world.alice, world.person, {"start_month": datetime.date(2023, 6, 1), "place": "in_county",
                                                "employer_name": employer.name})
    employment = start(world.ed, employer)
    assert EmploymentSpell.objects.filter(person=world.person).count() == 1
    assert employment.spell.start_month == datetime.date(2023, 6, 1)


def test_the_place_compares_the_workplace_with_the_persons_village():
    assert place_of("522633101001", "522633102001") == "in_county"
    assert place_of("522633101001", "522631101001") == "out_county"
    assert place_of("522633101001", "440300000000") == "out_province"
