"""A search by letters that may be initials or full pinyin counts each person once, inside the
user's region, from the two indexes (core.pages.counted_by); a further filter counts itself."""

import pytest
from django.core.cache import cache

from bangfu.conftest import make_person
from bangfu.core import pages
from bangfu.registry import selectors


@pytest.fixture
def wa(world):
    """q=wa: 王安 by both keys, 吴爱 by initials only, 万里 by full pinyin only, 张伟 by neither."""
    people = {name: make_person(world.alice, name=name, seq=seq)
              for name, seq in (("王安", 71), ("吴爱", 73), ("万里", 75), ("张伟", 77))}
    make_person(world.bob, name="王爱", seq=79, region_code="522631101001", address="522631")  # another county
    return people


@pytest.fixture
def empty_cache():
    cache.clear()  # a count kept by another test must not answer for this one
    yield
    cache.clear()


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def search(user, text, **filters):
    return selectors.search_people(selectors.people_for_user(user).filter(**filters), text)


def test_either_key_counts_each_person_once(world, wa, empty_cache):
    found = search(world.alice, "wa")
    names = set(found.values_list("name", flat=True))
    assert names == {"王安", "吴爱", "万里"}
    assert pages.exact_count(found) == 3


def test_the_count_comes_from_the_parts_while_the_query_is_unchanged(world, wa, empty_cache,
                                                                     django_assert_num_queries):
    found = search(world.alice, "wa").select_related("household").order_by("name_pinyin")
    with django_assert_num_queries(2):  # full pinyin; initials without full pinyin
        assert pages.exact_count(found) == 3


def test_a_further_filter_is_counted_as_itself(world, wa, empty_cache, django_assert_num_queries):
    found = search(world.alice, "wa").filter(name="吴爱")
    with django_assert_num_queries(1):
        assert pages.exact_count(found) == 1


def test_a_filter_before_the_search_holds_in_both_parts(world, wa, empty_cache):
    assert pages.exact_count(search(world.alice, "wa", name__in=["王安", "万里"])) == 2
    assert pages.exact_count(search(world.alice, "wa", name="吴爱")) == 1


def test_the_page_shows_the_count_and_stays_in_the_region(alice, world, wa, empty_cache):
    page = alice.get("/people/", {"q": "wa"})
    assert page.context["page"].count == 3
    assert "王爱" not in page.content.decode()


@pytest.mark.parametrize("text, names", [
    ("wan", {"王安", "万里"}),   # initials w-a-n: nobody; full pinyin: wangan, wanli
    ("wu", {"吴爱"}),            # a u: full pinyin only
    ("wl", {"万里"}),            # no vowel: initials only
])
def test_each_form_of_the_letters(world, wa, text, names):
    assert set(search(world.alice, text).values_list("name", flat=True)) == names
