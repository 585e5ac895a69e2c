"""The ledger's derived values exactly: pinyin keys, the working-age flag kept up to date with its
history, household counts and heads, and 零就业家庭 case by case (found by scripts/mutation)."""

import datetime

import pytest
from django.utils import timezone

from bangfu.conftest import make_person
from bangfu.registry import actions, services
from bangfu.registry.models import Household, Person

TODAY = timezone.localdate()


@pytest.mark.parametrize(("name", "keys"), [
    ("张三丰", ("zhangsanfeng", "zsf")),
    ("王 小 二", ("wangxiaoer", "wxe")),   # spaces are no syllables
    ("张·三", ("zhang·san", "zs")),        # a separator dot is kept, but starts no initial
    ("张3", ("zhang3", "z")),
    ("张A", ("zhanga", "za")),            # letters are kept, lower-case
])
def test_pinyin_keys(name, keys):
    assert services.pinyin_keys(name) == keys


def test_pinyin_keys_are_cut_to_their_columns():
    assert services.pinyin_keys("张" * 30) == ("zhang" * 24, "z" * 20)


@pytest.mark.parametrize(("members", "zero"), [
    ([], False),
    ([(False, "seeking")], False),                          # no labour
    ([(True, "not_seeking")], False),                       # labour, but not seeking work
    ([(True, "seeking")], True),
    ([(True, "not_seeking"), (True, "seeking")], True),
    ([(True, "seeking"), (True, "flexible")], False),       # a working-age member works
    ([(True, "seeking"), (False, "flexible")], True),       # work outside working age does not count
    ([(True, "not_seeking"), (True, "public_welfare")], False),
])
def test_zero_employment_case_by_case(members, zero):
    assert services.is_zero_employment(iter(members)) is zero


def test_is_labour_is_counted_on_today_when_no_day_is_given():
    sixteen_today = TODAY.replace(year=TODAY.year - 16) if (TODAY.month, TODAY.day) != (2, 29) else None
    if sixteen_today:
        assert services.is_labour(sixteen_today, "full") is True
    assert services.is_labour(datetime.date(1985, 3, 9), "partial") is True
    assert services.is_labour(datetime.date(1985, 3, 9), "none") is False


def test_update_people_of_nobody_changes_nothing(world):
    rows = Person.history.count()
    assert services.update_people(Person.objects.none(), "无", world.alice, notes="x") == 0
    assert Person.history.count() == rows


def test_update_people_records_a_baseline_then_the_change_in_the_users_name(world):
    person = world.person
    Person.history.filter(id=person.pk).delete()  # as the generator leaves it
    version = Person.objects.get(pk=person.pk).version
    assert services.update_people(Person.objects.filter(pk=person.pk), "批量改备注", world.alice, notes="新") == 1
    stored = Person.objects.get(pk=person.pk)
    assert (stored.notes, stored.version) == ("新", version + 1)
    rows = list(Person.history.filter(id=person.pk).order_by("history_id"))
    assert [(r.history_change_reason, r.notes, r.history_user) for r in rows] == [
        ("初始登记", "", None), ("批量改备注", "新", world.alice)]
    # someone with history already gets no second baseline
    services.update_people(Person.objects.filter(pk=person.pk), "再改", world.alice, notes="再")
    assert Person.history.filter(id=person.pk).count() == 3


def test_refresh_labour_follows_age_in_the_region_with_history(world):
    turned_16 = make_person(world.alice, name="刚满十六", seq=21, birth=TODAY.replace(year=TODAY.year - 16, day=1))
    turned_60 = make_person(world.alice, name="刚满六十", seq=23, birth=TODAY.replace(year=TODAY.year - 61, day=1))
    unable = make_person(world.alice, name="无劳动能力", seq=25, labour_ability="none")
    Person.objects.filter(pk=turned_16.pk).update(is_labour=False)
    Person.objects.filter(pk__in=[turned_60.pk, unable.pk]).update(is_labour=True)
    Person.objects.filter(pk=world.outsider_person.pk).update(is_labour=False)  # another county

    assert services.refresh_labour("522633", today=TODAY) == 3
    flags = dict(Person.objects.values_list("name", "is_labour"))
    assert (flags["刚满十六"], flags["刚满六十"], flags["无劳动能力"], flags["王五"]) == (True, False, False, False)
    assert turned_16.history.latest("history_id").history_change_reason == "达到劳动年龄"
    assert turned_60.history.latest("history_id").history_change_reason == "超出劳动年龄或无劳动能力"
    assert services.refresh_labour("522633", today=TODAY) == 0
    assert services.refresh_labour(today=TODAY) == 1  # the whole country: the outsider too
    assert Person.objects.get(pk=world.outsider_person.pk).is_labour is True


def test_refresh_labour_counts_on_today_by_default(world):
    Person.objects.filter(pk=world.person.pk).update(is_labour=False)
    assert services.refresh_labour("522633101001") == 1


def test_refresh_households_counts_members_labour_and_workers_and_names_the_head(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    old = TODAY.replace(year=TODAY.year - 70, day=1)
    make_person(world.alice, name="李四海", seq=31, household=household, relationship="spouse",
                employment_status="in_county", employer_name="车间")
    make_person(world.alice, name="王大山", seq=33, household=household)
    make_person(world.alice, name="王老汉", seq=35, household=household, relationship="parent", birth=old,
                employment_status="flexible")
    make_person(world.alice, name="王二", seq=37, household=household, relationship="head")  # a second head
    Household.objects.filter(pk=household.pk).update(member_count=0, labour_count=0, employed_count=0,
                                                     zero_employment=True, head_name="", head_pinyin="")
    assert services.refresh_households(Household.objects.filter(pk=household.pk)) == 1
    household.refresh_from_db()
    assert (household.member_count, household.labour_count, household.employed_count) == (4, 3, 2)
    assert household.zero_employment is False
    assert (household.head_name, household.head_pinyin, household.head_initials) == ("王大山", "wangdashan", "wds")


def test_a_household_without_members_has_no_head_and_counts_zero(world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    Household.objects.filter(pk=household.pk).update(member_count=5, head_name="某", head_initials="m")
    services.refresh_household(household.pk)
    services.refresh_household(None)  # a person without a household: nothing to do
    household.refresh_from_db()
    assert (household.member_count, household.labour_count, household.employed_count) == (0, 0, 0)
    assert (household.head_name, household.head_pinyin, household.head_initials, household.zero_employment) == (
        "", "", "", False)
