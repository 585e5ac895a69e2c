"""What each action leaves behind, exactly: the record, its history row with actor and reason, the
audit entry, the household counts, and nothing at all when it refuses (found by scripts/mutation)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.core.permissions import Forbidden
from bangfu.registry import actions
from bangfu.registry.models import FollowUp, Household, Person, Skill, Survey

VILLAGE = "522633101001"
TODAY = timezone.localdate()


def latest_history(record):
    return record.history.order_by("-history_id").first()


def audit(action, **filters):
    return AuditEntry.objects.get(action=action, **filters)


def test_creating_a_person_saves_history_audit_skills_and_the_household_count(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    person = make_person(world.alice, name="新人", seq=21, household=household)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name, stored.household_id, stored.version) == ("新人", household.pk, 1)
    row = latest_history(stored)
    assert (row.history_change_reason, row.history_user, row.history_type) == ("新增", world.alice, "+")
    entry = audit(Action.CREATE, object_id=str(person.pk))
    assert (entry.user, entry.object_type, entry.region_code) == (world.alice, "registry.person", VILLAGE)
    assert Household.objects.get(pk=household.pk).member_count == 1


def test_a_refused_creation_leaves_nothing(world):
    rows, entries = Person.history.count(), AuditEntry.objects.count()
    with pytest.raises(Forbidden):
        make_person(world.sam, name="越权", seq=21, region_code="522633102001")
    with pytest.raises(ValidationError):
        make_person(world.alice, name="", seq=23)
    assert not Person.objects.filter(name__in=["越权", ""]).exists()
    assert (Person.history.count(), AuditEntry.objects.count()) == (rows, entries)


def test_skills_are_trimmed_cut_deduplicated_and_new_ones_added(world):
    long = "长" * 45
    person = actions.do_create_person(
        world.alice, {"name": "技工", "id_number": valid_id(seq=21), "region_code": VILLAGE, "relationship": "head",
                      "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking"},
        skills=[" 电工 ", "电工", "", "  ", long])
    assert sorted(person.skills.values_list("name", flat=True)) == sorted(["电工", "长" * 40])
    assert Skill.objects.filter(name="长" * 40).count() == 1


def test_an_edit_records_what_changed_with_its_reason_and_actor(world):
    person = world.person
    changed = actions.do_update_person(world.alice, person, {"phone": "13912345678", "notes": "改"},
                                       reason="核实电话", version=1)
    assert changed == ["phone", "notes"]  # the stored hash column shows as the field a user knows
    assert (person.version, person.notes) == (2, "改")  # the caller's instance takes the stored state
    row = latest_history(person)
    assert (row.history_change_reason, row.history_user, row.notes) == ("核实电话", world.alice, "改")
    entry = audit(Action.UPDATE)
    assert (entry.user, entry.object_id, entry.detail) == (
        world.alice, str(person.pk), {"fields": ["phone", "notes"], "reason": "核实电话"})
    actions.do_update_person(world.alice, person, {"notes": "再改"})
    assert latest_history(person).history_change_reason == "修改"


def test_an_edit_that_changes_nothing_writes_nothing(world):
    person = world.person
    rows = person.history.count()
    assert actions.do_update_person(world.alice, person, {"name": "张三丰", "phone": "138 1234 5678"},
                                    skills=None) == []
    assert actions.do_update_person(world.alice, person, {}, skills=[]) == []
    assert (person.history.count(), Person.objects.get(pk=person.pk).version) == (rows, 1)
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_changing_only_skills_is_one_change(world):
    person = world.person
    assert actions.do_update_person(world.alice, person, {}, skills=["电工"]) == ["skills"]
    assert list(person.skills.values_list("name", flat=True)) == ["电工"]
    assert Person.objects.get(pk=person.pk).version == 2
    assert audit(Action.UPDATE).detail["fields"] == ["skills"]


def test_moving_a_person_refreshes_both_households(world):
    first = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    second = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    person = make_person(world.alice, name="搬家", seq=21, household=first)
    actions.do_update_person(world.alice, person, {"household": second.pk})
    assert Household.objects.get(pk=first.pk).member_count == 0
    assert Household.objects.get(pk=second.pk).member_count == 1


def test_an_edit_outside_the_users_region_is_refused_before_anything(world):
    with pytest.raises(Forbidden):
        actions.do_update_person(world.alice, world.person, {"region_code": "522631101001"})
    assert Person.objects.get(pk=world.person.pk).region_code == VILLAGE
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_a_survey_records_what_it_changed_masked_and_audits_it(world):
    person = world.person
    survey = actions.do_record_survey(world.sam, person, visited_on=TODAY, findings="换了号码",
                                      data={"phone": "13912345678", "name": "不许改", "wish_pay": 3000},
                                      skills=["电工"])
    assert survey.changes == {"phone": ["138****5678", "139****5678"], "wish_pay": ["", "3000"],
                              "skills": ["", "电工"]}
    assert (survey.surveyor, survey.region_code, survey.superseded) == (world.sam, VILLAGE, False)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name, stored.surveyed_on, stored.version) == ("张三丰", TODAY, 2)
    assert latest_history(stored).history_change_reason == f"走访 {TODAY.isoformat()}"
    assert latest_history(stored).history_user == world.sam
    assert latest_history(survey).history_change_reason == "新增"
    entry = audit(Action.SURVEY)
    assert (entry.user, entry.detail) == (world.sam, {"person": person.pk, "fields": ["phone", "wish_pay", "skills"]})


def test_a_survey_the_rules_refuse_leaves_no_survey(world):
    with pytest.raises(ValidationError):
        actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="在家",
                                 data={"employment_status": "not_seeking"})
    assert not Survey.objects.exists() and not AuditEntry.objects.filter(action=Action.SURVEY).exists()
    assert Person.objects.get(pk=world.person.pk).employment_status == "seeking"


def test_creating_and_editing_a_household(world):
    household = actions.do_create_household(world.tom, {"region_code": VILLAGE, "address": "三组"})
    assert (household.number, household.version) == (VILLAGE + "0001", 1)
    assert latest_history(household).history_change_reason == "新增"
    assert audit(Action.CREATE, object_type="registry.household").user == world.tom
    assert actions.do_update_household(world.tom, household, {"address": "三组"}) == []
    assert actions.do_update_household(world.tom, household, {"address": "四组"}, version=1) == ["address"]
    assert (household.address, household.version) == ("四组", 2)  # the caller's instance too
    row = latest_history(household)
    assert (row.history_change_reason, row.history_user, row.address) == ("修改", world.tom, "四组")
    assert audit(Action.UPDATE).detail == {"fields": ["address"]}
    assert not AuditEntry.objects.filter(action=Action.BULK).exists()  # no move, no members moved


def test_a_household_move_outside_the_users_region_is_refused(world):
    household = actions.do_create_household(world.tom, {"region_code": VILLAGE})
    with pytest.raises(Forbidden):
        actions.do_update_household(world.tom, household, {"region_code": "522633102001"})
    assert Household.objects.get(pk=household.pk).region_code == VILLAGE


def test_an_empty_household_moves_without_a_bulk_entry(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    assert actions.do_update_household(world.alice, household, {"region_code": "522633102001"}) == ["region_code"]
    assert not AuditEntry.objects.filter(action=Action.BULK).exists()


def test_household_numbers_continue_after_the_highest(world):
    Household.objects.create(region_code=VILLAGE, number=VILLAGE + "0041")
    Household.objects.create(region_code=VILLAGE, number=VILLAGE + "0009")
    assert actions.do_create_household(world.alice, {"region_code": VILLAGE}).number == VILLAGE + "0042"
    Household.objects.create(region_code=VILLAGE, number=VILLAGE + "1234")
    assert actions.do_create_household(world.alice, {"region_code": VILLAGE}).number == VILLAGE + "1235"


def test_a_follow_up_is_saved_with_its_officer_and_audited(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    follow_up = actions.do_record_follow_up(world.alice, household, done_on=TODAY, action="contact", note=" 上门 ")
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.officer, stored.region_code, stored.note, stored.action) == (world.alice, VILLAGE, "上门", "contact")
    assert latest_history(stored).history_change_reason == "新增"
    entry = audit(Action.FOLLOW_UP)
    assert (entry.user, entry.detail) == (world.alice, {"household": household.pk})


def test_resolving_a_zero_employment_household_is_refused_in_these_words(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    make_person(world.alice, name="待业", seq=21, household=household)
    with pytest.raises(ValidationError) as caught:
        actions.do_record_follow_up(world.alice, household, done_on=TODAY, action="resolved", note="已联系")
    assert caught.value.message_dict == {"action": [
        "该户仍是零就业家庭（有就业意愿的劳动力都未就业），不能记为已解决：请先在成员档案中登记就业"]}
    assert not FollowUp.objects.exists() and not AuditEntry.objects.filter(action=Action.FOLLOW_UP).exists()


def test_a_follow_up_outside_the_users_region_is_refused(world):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    with pytest.raises(Forbidden):
        actions.do_record_follow_up(world.bob, household, done_on=TODAY, action="contact", note="上门")
    assert not FollowUp.objects.exists()


def test_revealing_an_identifier_needs_the_permission_and_is_audited(world):
    assert actions.do_reveal_identifier(world.alice, world.person, "id_number") == valid_id(seq=11)
    assert audit(Action.REVEAL).user == world.alice
    with pytest.raises(Forbidden):
        actions.do_reveal_identifier(world.bob, world.person, "id_number")


def test_survey_before_dates_are_kept_apart(world):
    # a second survey of the same day applies again (the later one typed wins)
    actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="一", data={"wish_pay": 1})
    second = actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="二", data={"wish_pay": 2})
    assert second.changes == {"wish_pay": ["1", "2"]}
    older = actions.do_record_survey(world.sam, world.person, visited_on=TODAY - datetime.timedelta(days=1),
                                     findings="三", data={"wish_pay": 3})
    assert (older.superseded, older.changes) == (True, {})
    assert audit(Action.SURVEY, object_id=str(older.pk)).detail["fields"] == []


def test_a_survey_may_update_each_of_its_fields_and_nothing_else(world):
    number = valid_id(seq=11)
    found = {
        "phone": "13912345678", "education": "junior", "labour_ability": "partial", "poverty_status": "monitored",
        "monitoring_category": "marginal", "relocated": True, "relocation_site": "新安置点", "disability_category": 4,
        "disability_grade": 2, "disability_card": number + "42", "employment_status": "not_seeking",
        "employer_name": "无", "not_seeking_reason": "caring", "wish_jobs": "保洁", "wish_travel": "county",
        "wish_pay": 2500, "wish_hours": "part_time", "training_wishes": "家政", "service_needs": "职业指导",
    }
    assert set(found) == set(actions.SURVEY_FIELDS)
    survey = actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="全面走访",
                                      data={**found, "notes": "不许改", "household": None})
    stored = Person.objects.get(pk=world.person.pk)
    assert (Person.phone.decrypt(stored), Person.disability_card.decrypt(stored)) == ("13912345678", number + "42")
    # A workplace given with a status of no work is the ended job's: the person keeps none.
    kept = ("phone", "disability_card", "employer_name")
    assert {k: getattr(stored, k) for k in found if k not in kept} == {k: v for k, v in found.items() if k not in kept}
    assert (stored.notes, stored.employer_name) == ("", "")
    assert set(survey.changes) == set(found) - {"employer_name"}
    assert survey.changes["disability_card"] == ["", Person.disability_card.mask_text(number + "42")]


def test_a_stale_edit_names_what_the_user_changed_not_what_followed(world):
    from bangfu.core.writes import StaleEdit

    actions.do_update_person(world.alice, world.person, {"name": "张三"}, version=1)
    with pytest.raises(StaleEdit) as caught:
        actions.do_update_person(world.tom, world.person, {"notes": "迟到的修改"}, version=1)
    assert [change.field for change in caught.value.changes] == ["name"]  # not its pinyin keys


def test_a_household_move_is_audited_once_with_its_request(world, rf):
    household = actions.do_create_household(world.alice, {"region_code": VILLAGE})
    for seq in (21, 23):
        make_person(world.alice, name=f"成员{seq}", seq=seq, household=household)
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.alice
    actions.do_update_household(world.alice, household, {"region_code": "522633102001"}, request=request)
    entry = audit(Action.BULK)
    assert (entry.user, entry.object_type, entry.object_id, entry.ip) == (
        world.alice, "registry.household", str(household.pk), "10.1.2.3")
    assert entry.detail == {"what": "person", "rows": 2, "reason": "随家庭户迁至 522633102001", "from": VILLAGE}


def test_a_reveal_is_audited_with_its_request(world, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.4")
    request.user = world.alice
    actions.do_reveal_identifier(world.alice, world.person, "phone", request=request)
    entry = audit(Action.REVEAL)
    assert (entry.field, entry.ip, entry.object_id) == ("phone", "10.1.2.4", str(world.person.pk))


def test_the_same_skills_again_are_no_change_and_an_edit_is_audited_with_its_request(world, rf):
    person = world.person
    actions.do_update_person(world.alice, person, {}, skills=["电工", "厨师"])
    assert actions.do_update_person(world.alice, person, {}, skills=["厨师", "电工"]) == []
    request = rf.post("/", REMOTE_ADDR="10.1.2.5")
    request.user = world.alice
    actions.do_update_person(world.alice, person, {"notes": "有请求"}, request=request)
    assert AuditEntry.objects.filter(action=Action.UPDATE).latest("id").ip == "10.1.2.5"


def test_an_edit_probing_a_number_elsewhere_is_audited_on_the_record_in_the_users_name(world):
    from bangfu.registry.validation import DuplicatePerson

    with pytest.raises(DuplicatePerson):
        actions.do_update_person(world.bob, world.outsider_person, {"id_number": valid_id(seq=11)})
    entry = audit(Action.DUPLICATE_PROBE)
    assert (entry.user, entry.object_id) == (world.bob, str(world.outsider_person.pk))
