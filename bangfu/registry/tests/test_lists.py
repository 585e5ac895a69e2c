"""The ledger's lists: exact counts, every page reachable, page numbers and sizes, 序号, sortable
columns (pages and API), the folded filters, and the village page of the region tree."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangfu.conftest import make_person
from bangfu.core import pages
from bangfu.registry import actions
from bangfu.registry.models import Household, Person
from bangfu.registry.tests.test_api import Api

# Pinyin order 安 < 白 < 陈 < 张 (world.person 张三丰 and world.other_village_person 李四 are there too).
NAMES = ["陈一", "安二", "白三", "张四", "安二"]


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def people(world, count: int, *, village="522633101001"):
    """`count` people born on different days (ages 20 and up), names cycling through NAMES."""
    return [make_person(world.alice, name=NAMES[n % len(NAMES)], seq=101 + 2 * n, region_code=village,
                        birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=97 * n))
            for n in range(count)]


def names_on(response) -> list[str]:
    return [row.name for row in response.context["page"]]


def test_every_person_is_reachable_and_the_count_is_exact(alice, world):
    people(world, 43)  # 45 in alice's county
    seen = []
    for number in (1, 2, 3):
        page = alice.get(reverse("person_list"), {"size": 20, "page": number}).context["page"]
        assert (page.count, page.num_pages, page.number) == (45, 3, number)
        seen += [row.pk for row in page]
    assert len(seen) == len(set(seen)) == 45
    assert "共 45 条 · 第 3 / 3 页" in alice.get(reverse("person_list"), {"size": 20, "page": 3}).content.decode()


def test_a_page_past_the_end_answers_the_last_page(alice, world):
    people(world, 23)  # 25: pages of 20 and 5
    page = alice.get(reverse("person_list"), {"size": 20, "page": 400}).context["page"]
    assert (page.number, len(page), page.start) == (2, 5, 21)


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "0"}, "“页码”应为正整数"),
    ({"page": "abc"}, "“页码”应为正整数"),
    ({"page": "9" * 30}, "“页码”应为正整数"),
    ({"size": "30"}, "每页条数只能是 20、50、100"),
    ({"size": "-1"}, "“每页条数”应为正整数"),
    ({"sort": "id_number"}, "排序方式“id_number”不是可选的值"),
    ({"sort": "--name"}, "不是可选的值"),
])
def test_bad_paging_or_sorting_answers_400_with_a_message(alice, world, params, message):
    for name in ("person_list", "household_list", "zero_employment"):
        response = alice.get(reverse(name), params)
        assert response.status_code == 400, name
        assert message in response.content.decode()


def test_rows_are_numbered_across_pages_and_sizes_are_offered(alice, world):
    people(world, 23)
    body = alice.get(reverse("person_list"), {"size": 20, "page": 2, "employment": "seeking"}).content.decode()
    assert re.findall(r'<td class="num seq">(\d+)</td>', body) == [str(n) for n in range(21, 26)]
    # Changing the size keeps the filters and starts again at page 1.
    assert 'href="?employment=seeking&amp;size=50"' in body
    assert 'href="?size=20&amp;employment=seeking&amp;page=1"' in body


def test_page_links_show_the_ends_and_a_window(alice, world):
    page = pages.ListPage([], number=5, size=20, count=200, num_pages=10, start=81, query="")
    assert page.links() == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert pages.ListPage([], 1, 20, 30, 2, 1, "").links() == [1, 2]
    assert pages.ListPage([], 9, 20, 200, 10, 161, "").links() == [1, None, 7, 8, 9, 10]
    people(world, 43)
    body = alice.get(reverse("person_list"), {"size": 20, "page": 2}).content.decode()
    assert '<strong aria-current="page">2</strong>' in body
    assert 'href="?size=20&amp;page=1"' in body and 'href="?size=20&amp;page=3"' in body


def test_people_sort_by_pinyin_age_and_back(alice, world):
    people(world, 5)
    by_name = names_on(alice.get(reverse("person_list"), {"sort": "name"}))
    assert by_name == ["安二", "安二", "白三", "陈一", "李四", "张三丰", "张四"]
    assert names_on(alice.get(reverse("person_list"), {"sort": "-name"})) == by_name[::-1]
    ages = [row.age for row in alice.get(reverse("person_list"), {"sort": "age"}).context["page"]]
    assert ages == sorted(ages) and ages[0] < ages[-1]


def test_equal_keys_keep_one_order_and_late_pages_read_from_the_end_alike(alice, world):
    everyone = people(world, 58)  # 60 people, many with the same name
    for sort in ("name", "-name", "village", "employment", "-age", "poverty"):
        ordered = []
        for number in (1, 2, 3):  # page 3 of 20 lies past the middle: read in reverse from the end
            ordered += [row.pk for row in
                        alice.get(reverse("person_list"), {"size": 20, "page": number, "sort": sort}).context["page"]]
        fields = {"name": ("name_pinyin", "id"), "-name": ("-name_pinyin", "-id"), "village": ("region_code", "id"),
                  "employment": ("employment_status", "region_code", "id"), "-age": ("birth_date", "id"),
                  "poverty": ("poverty_status", "region_code", "id")}[sort]
        assert ordered == list(Person.objects.filter(region_code__startswith="522633").order_by(*fields)
                               .values_list("pk", flat=True)), sort
    assert len(everyone) == 58


def test_the_last_page_skips_from_the_end_not_the_start(alice, world):
    people(world, 58)
    with CaptureQueriesContext(connection) as captured:
        alice.get(reverse("person_list"), {"size": 20, "page": 3})
    queries = [q["sql"] for q in captured.captured_queries if "LIMIT 20" in q["sql"]]
    assert len(queries) == 1 and "DESC" in queries[0] and "OFFSET" not in queries[0]


def test_sort_headings_keep_the_filters_and_reverse_on_a_second_click(alice, world):
    body = alice.get(reverse("person_list"), {"employment": "seeking", "sort": "name", "page": 1}).content.decode()
    assert 'aria-sort="ascending"><a href="?employment=seeking&amp;sort=-name" class="asc">姓名</a>' in body
    assert '<a href="?employment=seeking&amp;sort=age" class="">年龄</a>' in body
    # The filter form keeps the chosen order.
    assert '<input type="hidden" name="sort" value="name">' in body


def test_household_lists_sort_by_their_columns(alice, world):
    for village, people_in in (("522633101001", 3), ("522633101002", 1), ("522633102001", 2)):
        household = actions.do_create_household(world.alice, {"region_code": village})
        for n in range(people_in):
            make_person(world.alice, name="户员", seq=301 + 2 * Person.objects.count(), region_code=village,
                        household=household, relationship="head" if n == 0 else "child")
    sizes = [h.member_count for h in alice.get(reverse("household_list"), {"sort": "-members"}).context["page"]]
    assert sizes == [3, 2, 1]
    numbers = [h.number for h in alice.get(reverse("household_list"), {"sort": "number"}).context["page"]]
    assert numbers == sorted(numbers)


def test_the_queue_sorts_households_never_followed_up_first(alice, world):
    households = [actions.do_create_household(world.alice, {"region_code": "522633101001"}) for _ in range(3)]
    for n, household in enumerate(households):
        make_person(world.alice, name="零就业", seq=401 + 2 * n, household=household)
    Household.objects.filter(pk__in=[h.pk for h in households]).update(zero_employment=True)
    actions.do_record_follow_up(world.alice, households[0], done_on=datetime.date(2026, 1, 5),
                                action="contact", note="走访")
    order = [h.pk for h in alice.get(reverse("zero_employment"), {"sort": "follow_up"}).context["page"]]
    assert order == [households[1].pk, households[2].pk, households[0].pk]
    order = [h.pk for h in alice.get(reverse("zero_employment"), {"sort": "-follow_up"}).context["page"]]
    assert order[0] == households[0].pk


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_slow_count_is_kept_for_a_minute_and_a_save_forgets_it(alice, world, monkeypatch, empty_cache):
    monkeypatch.setattr(pages, "COUNT_KEEP_FROM_MS", 0)  # every count is slow enough to keep
    url = reverse("person_list")
    outside = "522631101001"
    assert alice.get(url).context["page"].count == 2
    # A change without a save (a bulk update) keeps the count: it was not counted again.
    Person.objects.filter(pk=world.other_village_person.pk).update(region_code=outside)
    with CaptureQueriesContext(connection) as captured:
        assert alice.get(url).context["page"].count == 2
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]
    make_person(world.alice, name="新人", seq=501)  # a save forgets it
    assert alice.get(url).context["page"].count == 2  # 张三丰 and 新人
    Person.objects.filter(name="新人").delete()  # so does a delete
    assert alice.get(url).context["page"].count == 1
    monkeypatch.setattr(pages, "COUNT_KEEP_FROM_MS", 10**6)  # quick counts are made every time
    cache.clear()
    assert alice.get(url).context["page"].count == 1
    Person.objects.filter(pk=world.person.pk).update(region_code=outside)
    assert alice.get(url).context["page"].count == 0


def test_the_filters_fold_until_one_is_set(alice, world):
    body = alice.get(reverse("person_list")).content.decode()
    assert '<details class="more">' in body
    body = alice.get(reverse("person_list"), {"employment": "seeking", "labour": "1", "q": "z"}).content.decode()
    assert '<details class="more" open>' in body and "（已选 2 项）" in body
    body = alice.get(reverse("zero_employment"), {"relocated": "1"}).content.decode()
    assert '<details class="more" open>' in body


# --- API -----------------------------------------------------------------------------------------

def test_the_api_sorts_with_the_same_keys_and_pages_from_the_end(client, world):
    people(world, 5)
    api = Api(client, world.alice)
    response = api.get("/api/people", sort="name")
    names = [p["name"] for p in response.json()["items"]]
    assert names == ["安二", "安二", "白三", "陈一", "李四", "张三丰", "张四"]
    last = api.get("/api/people", sort="name", page=3, page_size=3).json()
    assert (last["count"], [p["name"] for p in last["items"]]) == (7, ["张四"])
    assert api.get("/api/people", sort="name", page=4, page_size=3).json()["items"] == []
    response = api.get("/api/people", sort="id_number")
    assert response.status_code == 400 and "sort" in response.content.decode(), response.content
    assert api.get("/api/households", sort="-members").status_code == 200
    assert "sort" in {p["name"] for p in api.get("/api/openapi.json").json()["paths"]["/api/people"]["get"]
                      ["parameters"]}


# --- the region tree -----------------------------------------------------------------------------

def test_a_village_page_counts_its_own_people(client, world):
    people(world, 34)  # 35 in 大塘村 with 张三丰
    client.force_login(world.sam)  # the surveyor's 行政区划 page is his village
    response = client.get(reverse("regions"))
    assert response.context["node"].code == "522633101001"
    assert [total for _figure, total in response.context["totals"]] == [35]
    assert "登记人数 35" in response.content.decode()
    client.force_login(world.alice)
    response = client.get(reverse("region", args=["522633101001"]))
    assert [total for _figure, total in response.context["totals"]] == [35]
    response = client.get(reverse("region", args=["522633101000"]))
    assert {child.name: counts[0][1] for child, counts in response.context["rows"]} == {"大塘村": 35, "岜沙村": 0}
