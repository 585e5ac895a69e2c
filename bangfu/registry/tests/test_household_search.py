"""Households found by the head's pinyin (initials or full) and by the tail of their number, in the
user's region only; the keys are kept by the ledger, the generator and the migration alike."""

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.conftest import make_person
from bangfu.registry import actions, selectors, services
from bangfu.registry.generator import generate_county
from bangfu.registry.models import Household


def household_with_head(user, village: str, head: str, seq: int, address: str = "522633") -> Household:
    household = actions.do_create_household(user, {"region_code": village})
    make_person(user, name=head, region_code=village, seq=seq, address=address, household=household)
    household.refresh_from_db()
    return household


@pytest.fixture
def homes(world):
    return {
        "zhang": household_with_head(world.alice, "522633101001", "张山峰", 61),  # 5226331010010001
        "zhao": household_with_head(world.alice, "522633101001", "赵明", 63),     # 5226331010010002
        "li": household_with_head(world.alice, "522633102001", "李小燕", 65),     # 5226331020010001
        "far": household_with_head(world.bob, "522631101001", "张善福", 67, address="522631"),  # 5226311010010001
    }


def found(user, text: str) -> set[str]:
    return set(selectors.search_households(selectors.households_for_user(user), text).values_list("number", flat=True))


def test_by_the_heads_pinyin_initials(world, homes):
    assert homes["zhang"].head_initials == "zsf" and homes["zhang"].head_pinyin == "zhangshanfeng"
    assert found(world.alice, "zsf") == {homes["zhang"].number}
    assert found(world.alice, "ZS") == {homes["zhang"].number}
    assert found(world.alice, "lxy") == {homes["li"].number}


def test_by_the_heads_full_pinyin(world, homes):
    assert found(world.alice, "zhangshan") == {homes["zhang"].number}
    assert found(world.alice, "zhao") == {homes["zhao"].number}
    assert found(world.alice, "zha") == {homes["zhang"].number, homes["zhao"].number}


def test_by_the_tail_of_the_number(world, homes):
    assert homes["zhao"].number_tail == "0002"
    assert found(world.alice, "0002") == {homes["zhao"].number}
    assert found(world.alice, "0001") == {homes["zhang"].number, homes["li"].number}
    assert found(world.alice, "52263310100100") == {homes["zhang"].number, homes["zhao"].number}  # leading digits
    assert found(world.alice, "张") == {homes["zhang"].number}


def test_only_in_the_users_region(world, homes):
    assert homes["far"].number not in found(world.alice, "zsf") | found(world.alice, "0001")
    assert found(world.bob, "zsf") == found(world.bob, "0001") == {homes["far"].number}
    assert found(world.sam, "0001") == {homes["zhang"].number}  # the surveyor's village only


def test_the_keys_follow_a_renamed_or_new_head(world, homes):
    head = homes["zhao"].members.get()
    actions.do_update_person(world.alice, head, {"name": "钱多多"})
    assert found(world.alice, "qdd") == {homes["zhao"].number} and found(world.alice, "zm") == set()
    actions.do_update_person(world.alice, head, {"relationship": "spouse"})
    homes["zhao"].refresh_from_db()
    assert (homes["zhao"].head_name, homes["zhao"].head_pinyin, homes["zhao"].head_initials) == ("", "", "")


def test_the_list_page_and_the_api_search_alike(client, world, homes):
    client.force_login(world.alice)
    body = client.get(reverse("household_list"), {"q": "zsf"}).content.decode()
    assert homes["zhang"].number in body and homes["zhao"].number not in body
    token = ApiToken.issue(world.alice, "tests")[1]
    answer = client.get("/api/households", {"q": "0002"}, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [h["number"] for h in answer["items"]] == [homes["zhao"].number]


def test_the_tail_is_an_indexed_equality_not_a_pattern(world):
    query = str(selectors.search_households(Household.objects.all(), "0117").query)
    assert "number_tail" in query and "LIKE" not in query.upper()


def test_the_migration_fills_households_on_file(world, homes):
    Household.objects.update(head_pinyin="", head_initials="", number_tail="")
    importlib.import_module("bangfu.registry.migrations.0007_household_search").fill(apps, None)
    zhang = Household.objects.get(pk=homes["zhang"].pk)
    assert (zhang.head_pinyin, zhang.head_initials, zhang.number_tail) == ("zhangshanfeng", "zsf", "0001")


def test_the_generator_fills_the_keys(db):
    generate_county("522633", 300, seed=3)
    households = Household.objects.exclude(head_name="")
    assert households.exists()
    for household in households:
        assert household.number_tail == household.number[-4:]
        assert (household.head_pinyin, household.head_initials) == services.pinyin_keys(household.head_name)
    assert json.dumps(list(Household.objects.filter(number_tail="").values("number"))) == "[]"
