import pytest
from django.core.exceptions import ValidationError

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.core import crypto
from bangfu.core.permissions import Forbidden
from bangfu.registry import actions
from bangfu.registry.models import Household, Person
from bangfu.registry.validation import DuplicatePerson


def test_it_derives_gender_birth_date_and_pinyin(world):
    person = world.person
    assert person.gender == "M"
    assert person.birth_date.isoformat() == "1985-03-09"
    assert (person.name_pinyin, person.name_initials) == ("zhangsanfeng", "zsf")


def test_identifiers_are_encrypted_and_masked(world):
    person = world.person
    number = valid_id(seq=11)
    assert number not in person.id_number_enc
    assert crypto.decrypt(person.id_number_enc) == number
    assert person.id_number_hash == crypto.lookup_hash(number)
    assert person.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert person.phone_masked == "138****5678"


def test_a_duplicate_id_number_is_refused_with_the_existing_person(world):
    with pytest.raises(DuplicatePerson) as excinfo:
        make_person(world.alice, name="张三", seq=11)
    assert excinfo.value.existing == world.person
    assert Person.objects.filter(name="张三").count() == 0


def test_a_bad_update_changes_nothing(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.do_update_person(world.alice, world.person, {"id_number": "522633198503090112", "name": ""})
    assert set(excinfo.value.message_dict) == {"id_number", "name"}
    world.person.refresh_from_db()
    assert world.person.name == "张三丰"


def test_officers_cannot_write_outside_their_region(world):
    with pytest.raises(Forbidden):
        actions.do_update_person(world.bob, world.person, {"name": "改名"})
    with pytest.raises(Forbidden):
        make_person(world.alice, region_code="522631101001", seq=21, address="522631")


def test_surveyors_survey_only_their_own_villages(world):
    import datetime

    survey = actions.do_record_survey(
        world.sam, world.person, visited_on=datetime.date(2026, 11, 1), findings="在家务农",
        data={"employment_status": "in_county", "employer_name": "县城制衣厂"},
    )
    assert survey.changes["employment_status"] == ["seeking", "in_county"]
    with pytest.raises(Forbidden):
        actions.do_record_survey(world.sam, world.other_village_person, visited_on=datetime.date(2026, 11, 1),
                                 findings="x", data={})
    with pytest.raises(Forbidden):
        actions.do_update_person(world.sam, world.person, {"name": "改名"})


def test_history_keeps_the_state_before_and_after(world):
    actions.do_update_person(world.alice, world.person, {"wish_jobs": "保安"})
    records = list(world.person.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert (records[0].history_user, records[0].wish_jobs) == (world.admin, "")
    assert (records[-1].history_user, records[-1].wish_jobs) == (world.alice, "保安")


def test_reveal_is_audited(world):
    value = actions.do_reveal_identifier(world.alice, world.person, "id_number")
    assert value == valid_id(seq=11)
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.field, entry.object_id) == ("alice", "id_number", str(world.person.pk))
    with pytest.raises(Forbidden):
        actions.do_reveal_identifier(world.sam, world.person, "id_number")


def test_zero_employment_follows_the_members(world):
    household = Household.objects.create(number="5226331010010001", region_code="522633101001")
    a = make_person(world.alice, name="甲", seq=31, household=household)
    make_person(world.alice, name="乙", seq=33, household=household, relationship="spouse")
    household.refresh_from_db()
    assert (household.member_count, household.labour_count, household.employed_count) == (2, 2, 0)
    assert household.zero_employment
    assert household.head_name == "甲"
    actions.do_update_person(world.alice, a, {"employment_status": "public_welfare"})
    household.refresh_from_db()
    assert not household.zero_employment and household.employed_count == 1


def test_disability_card_must_match_the_id(world):
    number = valid_id(seq=11)
    actions.do_update_person(world.alice, world.person, {"disability_card": number + "41"})
    world.person.refresh_from_db()
    assert (world.person.disability_category, world.person.disability_grade) == (4, 1)
    with pytest.raises(ValidationError) as excinfo:
        actions.do_update_person(world.alice, world.person, {"disability_card": valid_id(seq=13) + "41"})
    assert "disability_card" in excinfo.value.message_dict


def test_a_duplicate_outside_the_region_does_not_say_whose_it_is(world):
    with pytest.raises(DuplicatePerson) as excinfo:
        make_person(world.bob, name="冒用", seq=11, region_code="522631101001")
    assert not excinfo.value.visible
    assert "张三丰" not in str(excinfo.value)


def test_control_characters_are_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.do_update_person(world.alice, world.person, {"name": "张\x00三", "wish_jobs": "保安\x07"})
    assert set(excinfo.value.message_dict) == {"name", "wish_jobs"}


def test_a_survey_cannot_be_dated_in_the_future(world):
    import datetime

    with pytest.raises(ValidationError) as excinfo:
        actions.do_record_survey(world.sam, world.person, visited_on=datetime.date(2999, 1, 1),
                                 findings="x", data={})
    assert "visited_on" in excinfo.value.message_dict
    assert not world.person.surveys.exists()
