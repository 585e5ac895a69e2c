"""Each check of the ledger on records planted to trip it and on records that must not.

Records a rule of the ledger would refuse today (an impossible birth date, a gender that
contradicts the ID number) are planted with queryset updates: they are what old workbooks and
earlier systems leave behind, and what the checks exist for."""

import datetime

from django.utils import timezone

from bangfu.conftest import make_person, valid_id
from bangfu.exchange.checks import definitions
from bangfu.registry.actions import do_create_household, do_record_follow_up, set_skills
from bangfu.registry.models import Household, Person

TODAY = datetime.date(2026, 6, 15)
VILLAGE = "522633101001"


def flagged(check_id: str, prefix: str = "522633", today=TODAY) -> dict[int, str]:
    rows = definitions.get(check_id).query(prefix, today)
    reason = "reason" if "reason" in rows.query.annotations else "region_code"
    return dict(rows.values_list("pk", reason))


def household(world, region_code=VILLAGE) -> Household:
    return do_create_household(world.admin, {"region_code": region_code})


def member(world, home, relationship, seq, birth=datetime.date(1985, 3, 9), **fields) -> Person:
    return make_person(world.alice, name=f"成员{seq}", region_code=home.region_code, seq=seq, birth=birth,
                       household=home, relationship=relationship, **fields)


def test_it_flags_impossible_birth_dates(world):
    future, old, ancient = (make_person(world.alice, name=f"人{seq}", seq=seq) for seq in (21, 23, 25))
    Person.objects.filter(pk=future.pk).update(birth_date=TODAY + datetime.timedelta(days=1))
    Person.objects.filter(pk=old.pk).update(birth_date=datetime.date(1905, 6, 14))  # 121 on TODAY
    Person.objects.filter(pk=ancient.pk).update(birth_date=datetime.date(1899, 12, 31))
    borderline = make_person(world.alice, name="百岁", seq=27)
    Person.objects.filter(pk=borderline.pk).update(birth_date=datetime.date(1905, 6, 16))  # 120
    assert flagged("person.birth_date") == {future.pk: "future", old.pk: "over_120", ancient.pk: "before_1900"}


def test_it_flags_a_gender_the_id_number_contradicts(world):
    Person.objects.filter(pk=world.person.pk).update(gender="F")  # seq 11: odd, a man's number
    woman = make_person(world.alice, name="女", seq=22)
    assert woman.gender == "F"
    assert set(flagged("person.gender_id")) == {world.person.pk}


def test_it_flags_a_disability_card_of_another_number_or_grade(world):
    card = {"disability_category": 4, "disability_grade": 1}
    right = make_person(world.alice, name="对", seq=31, disability_card=valid_id(seq=31) + "41", **card)
    wrong = make_person(world.alice, name="错", seq=33, disability_card=valid_id(seq=33) + "41", **card)
    Person.objects.filter(pk=wrong.pk).update(disability_grade=2)
    assert right.disability_card_hash
    assert set(flagged("person.disability_card")) == {wrong.pk}


def test_it_flags_households_without_a_head_or_with_two(world):
    headless, two, fine = household(world), household(world), household(world)
    member(world, headless, "spouse", 41)
    member(world, two, "head", 43)
    member(world, two, "head", 45)
    member(world, fine, "head", 47)
    member(world, fine, "spouse", 49)
    assert set(flagged("household.no_head")) == {headless.pk}
    assert set(flagged("household.two_heads")) == {two.pk}


def test_it_flags_members_whose_age_no_generation_allows(world):
    home = household(world)
    member(world, home, "head", 51, birth=datetime.date(1985, 3, 9))
    too_old_child = member(world, home, "child", 53, birth=datetime.date(1980, 1, 1))
    child_at_eleven = member(world, home, "child", 55, birth=datetime.date(1996, 1, 1))
    child = member(world, home, "child", 57, birth=datetime.date(1997, 1, 1))  # the head was 12
    grandchild = member(world, home, "grandchild", 59, birth=datetime.date(2005, 1, 1))
    member(world, home, "grandchild", 61, birth=datetime.date(2009, 1, 1))
    young_parent = member(world, home, "parent", 63, birth=datetime.date(1975, 1, 1))
    member(world, home, "parent", 65, birth=datetime.date(1960, 1, 1))
    member(world, home, "spouse", 67, birth=datetime.date(1995, 1, 1))
    assert child.pk not in flagged("person.generation_gap")
    assert flagged("person.generation_gap") == {too_old_child.pk: "child", child_at_eleven.pk: "child",
                                                grandchild.pk: "grandchild", young_parent.pk: "parent"}


def test_a_member_is_flagged_once_against_any_of_two_heads(world):
    home, elsewhere = household(world), household(world)
    member(world, home, "head", 151, birth=datetime.date(1985, 3, 9))
    member(world, home, "head", 153, birth=datetime.date(1960, 3, 9))
    both = member(world, home, "child", 155, birth=datetime.date(1965, 1, 1))     # too old for both heads
    one = member(world, home, "parent", 157, birth=datetime.date(1950, 1, 1))     # too young for the 1960 head
    member(world, home, "child", 159, birth=datetime.date(1998, 1, 1))           # both heads were 12 or more
    # A head of another household and a child of none are no one's measure.
    member(world, elsewhere, "head", 161, birth=datetime.date(2000, 1, 1))
    make_person(world.alice, name="无户", seq=163, birth=datetime.date(1980, 1, 1), relationship="child")
    rows = list(definitions.get("person.generation_gap").query("522633", TODAY).values_list("pk", "reason"))
    assert sorted(rows) == sorted([(both.pk, "child"), (one.pk, "parent")])


def test_two_heads_are_counted_in_the_household_only(world):
    two, one = household(world), household(world)
    member(world, two, "head", 171)
    member(world, two, "head", 173)
    member(world, two, "head", 175)
    member(world, one, "head", 177)
    make_person(world.alice, name="无户户主", seq=179)  # a head of no household
    rows = list(definitions.get("household.two_heads").query("522633", TODAY).values_list("pk", flat=True))
    assert rows == [two.pk]


def test_it_flags_students_counted_as_labour(world):
    student = make_person(world.alice, name="学生", seq=71, birth=datetime.date(2007, 1, 1),
                          employment_status="not_seeking", not_seeking_reason="studying")
    make_person(world.alice, name="学生二", seq=73, birth=datetime.date(2007, 1, 1), labour_ability="none",
                employment_status="not_seeking", not_seeking_reason="studying")
    make_person(world.alice, name="照顾", seq=75, employment_status="not_seeking", not_seeking_reason="caring")
    assert student.is_labour
    assert set(flagged("person.student_labour")) == {student.pk}


def test_it_flags_formerly_poor_labour_without_skills(world):
    home = do_create_household(world.alice, {"region_code": VILLAGE, "poverty_status": "tuopin"})
    in_household = member(world, home, "head", 81, poverty_status="none")
    skilled = make_person(world.alice, name="有技能", seq=83)
    set_skills(skilled, ["刺绣"])
    make_person(world.alice, name="老人", seq=85, birth=datetime.date(1950, 1, 1))
    make_person(world.alice, name="一般", seq=87, poverty_status="none")
    expected = {world.person.pk, world.other_village_person.pk, in_household.pk}
    assert set(flagged("person.tuopin_no_skills")) == expected


def test_it_flags_public_welfare_posts_outside_16_to_65(world):
    young, old, ok, oldest_ok = (make_person(world.alice, name=f"岗{seq}", seq=seq, employment_status="public_welfare")
                                 for seq in (91, 93, 95, 97))
    Person.objects.filter(pk=young.pk).update(birth_date=datetime.date(2010, 6, 16))    # 15 on TODAY
    Person.objects.filter(pk=old.pk).update(birth_date=datetime.date(1960, 6, 15))      # 66
    Person.objects.filter(pk=oldest_ok.pk).update(birth_date=datetime.date(1960, 6, 16))  # 65
    Person.objects.filter(pk=ok.pk).update(birth_date=datetime.date(2010, 6, 15))       # 16
    assert flagged("person.public_welfare_age") == {young.pk: "under_16", old.pk: "over_65"}


def test_it_flags_phones_that_are_not_mobiles(world):
    landline = make_person(world.alice, name="座机", seq=101, phone="0855-6412345")
    make_person(world.alice, name="无电话", seq=103, phone="")
    make_person(world.alice, name="手机", seq=105, phone="19912345678")
    assert set(flagged("person.phone_not_mobile")) == {landline.pk}


def test_it_flags_a_phone_shared_by_two_households(world):
    first, second, other_county = household(world), household(world), household(world, "522631101001")
    a = member(world, first, "head", 111, phone="13900001111")
    member(world, first, "spouse", 113, phone="13900002222")
    member(world, first, "child", 115, birth=datetime.date(2010, 1, 1), phone="13900002222")  # same household
    b = member(world, second, "head", 117, phone="13900001111")
    far = make_person(world.bob, name="外县", region_code="522631101001", seq=119, address="522631",
                      household=other_county, phone="13900003333")
    near = member(world, second, "spouse", 121, phone="13900003333")
    assert set(flagged("person.phone_shared")) == {a.pk, b.pk, near.pk}
    assert far.pk in flagged("person.phone_shared", prefix="522631")


def test_a_phone_is_shared_only_between_households(world):
    home, other = household(world), household(world)
    Person.objects.update(phone_hash="")  # the world's people share make_person's default phone
    alone = member(world, home, "head", 131, phone="13900004444")
    make_person(world.alice, name="无户", seq=133, phone="13900004444")  # held twice, one household
    twice = member(world, home, "spouse", 135, phone="13900005555")
    member(world, other, "head", 137, phone="13900006666")
    shared = [member(world, home, "child", 139, birth=datetime.date(2010, 1, 1), phone="13900006666"),
              member(world, other, "spouse", 141, phone="13900005555")]
    assert set(flagged("person.phone_shared")) == {twice.pk, *(p.pk for p in shared), other.members.get(
        relationship="head").pk}
    assert alone.pk not in flagged("person.phone_shared")


def test_it_flags_zero_employment_households_not_followed_in_30_days(world):
    never, stale, recent, employed = (household(world) for _ in range(4))
    Household.objects.filter(pk__in=[never.pk, stale.pk, recent.pk]).update(zero_employment=True)
    for home, done_on in ((stale, TODAY - datetime.timedelta(days=31)), (recent, TODAY - datetime.timedelta(days=30)),
                          (employed, timezone.localdate())):
        do_record_follow_up(world.alice, home, done_on=done_on, action="contact", note="电话联系")
    assert flagged("household.zero_not_followed") == {never.pk: "never", stale.pk: "stale"}


def test_it_keeps_every_check_inside_its_region(world):
    outsider = world.outsider_person
    Person.objects.filter(pk=outsider.pk).update(gender="F", birth_date=TODAY + datetime.timedelta(days=3))
    for check in definitions.all_checks():
        regions = set(check.query("522633", TODAY).values_list("region_code", flat=True))
        assert all(code.startswith("522633") for code in regions), check.id
    assert outsider.pk in flagged("person.gender_id", prefix="522631")
    assert outsider.pk not in flagged("person.gender_id")
