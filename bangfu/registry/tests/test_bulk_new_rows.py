"""What bulk writes compute themselves for rows they add, instead of asking the database or the
library each time: a new household's figures from its members, pinyin keys character by
character, a household's number tail."""

import datetime

import pytest
from pypinyin import Style, lazy_pinyin

from bangfu.conftest import make_person
from bangfu.registry import actions, bulk, services
from bangfu.registry import choices as c
from bangfu.registry.models import Household, Person

FIGURES = ("member_count", "labour_count", "employed_count", "zero_employment", "head_name", "head_pinyin",
           "head_initials")


def _figures_of(household):
    members = [{f.attname: getattr(p, f.attname) for f in Person._meta.concrete_fields}
               for p in Person.objects.filter(household=household).order_by("id")]
    return services.household_figures(members)


@pytest.mark.parametrize("members", [
    [("head", "seeking", 1985), ("spouse", "in_county", 1987)],           # one works
    [("head", "seeking", 1985), ("child", "not_seeking", 2015)],           # zero employment
    [("spouse", "not_seeking", 1985), ("child", "not_seeking", 2012)],     # no head, no one willing
    [("head", "seeking", 1950), ("head", "out_county", 1990)],             # two heads: the first counts
])
def test_it_counts_a_household_from_its_members_as_the_database_does(world, members):
    household = actions.do_create_household(world.admin, {"region_code": "522633101001", "number": "5226330000001"})
    for seq, (relationship, status, year) in enumerate(members):
        extra = {"not_seeking_reason": c.NotSeekingReason.OTHER} if status == "not_seeking" else {}
        make_person(world.admin, name=f"吴{'一二三'[seq]}", seq=600 + seq, birth=datetime.date(year, 5, 1),
                    relationship=relationship, employment_status=status, household=household.pk, **extra)
    computed = _figures_of(household)
    services.refresh_households(Household.objects.filter(pk=household.pk))
    stored = Household.objects.filter(pk=household.pk).values(*FIGURES).get()
    assert computed == stored


def test_a_household_without_members_has_nothing_counted():
    assert services.household_figures([]) == {
        "member_count": 0, "labour_count": 0, "employed_count": 0, "zero_employment": False,
        "head_name": "", "head_pinyin": "", "head_initials": ""}


@pytest.mark.parametrize("name", ["张三丰", "吴秀英", "单田芳", "长孙无忌", "曾国藩", "乐乐", "重阳", "解放军",
                                  "欧阳修", "覃朝行", "Anna 李", "李·小龙", "𠮷田", "王 五"])
def test_pinyin_keys_are_pypinyins_whether_read_per_character_or_as_words(name):
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default") if s.strip()]
    expected = ("".join(syllables)[:120], "".join(s[0] for s in syllables if s[0].isalpha())[:20])
    assert services.pinyin_keys.__wrapped__(name) == expected


def test_a_household_added_in_bulk_has_its_number_tail(world):
    household = bulk._new_household("5226331010010099", {"region_code": "522633101001"})
    assert household.number_tail == "0099"
