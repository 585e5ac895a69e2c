"""The kept figures (registry.figures): equal to a fresh count after every kind of write, for every
kind of user; read without counting the ledger; "as of" shown while villages wait."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangfu.conftest import PASSWORD, make_person
from bangfu.registry import actions, figures, selectors, services, stats
from bangfu.registry.generator import generate_county
from bangfu.registry.models import Household, Person, VillageFigures

USERS = ("alice", "tom", "sam", "dora", "audrey", "admin", "bob", "ed")
DISABLED = {"disability_category": 4, "disability_grade": 2}
TODAY = datetime.date(2026, 11, 1)


def fresh(user) -> dict:
    """What the figures must be: the old count over the user's scoped querysets."""
    return {**stats.person_counts(selectors.people_for_user(user)),
            **stats.household_counts(selectors.households_for_user(user))}


def assert_kept(world):
    for name in USERS:
        user = getattr(world, name)
        reading = figures.read(user)
        assert reading.values == fresh(user), name
        assert reading.fresh, name


def household(world, village="522633101001", **fields):
    return actions.do_create_household(world.alice, {"region_code": village, **fields})


def test_it_counts_the_world_as_a_fresh_count_does(world):
    assert figures.read(world.alice).values["people"] == 2
    assert figures.read(world.tom).values["people"] == 1
    assert_kept(world)


def test_it_follows_an_edit_that_moves_a_person_and_changes_their_work(world):
    assert_kept(world)
    moved = {"region_code": "522633102001", "employment_status": "in_county", "employer_name": "县城制衣厂"}
    actions.do_update_person(world.alice, world.person, moved)
    assert figures.read(world.tom).values["people"] == 0
    assert figures.read(world.alice).values["in_county"] == 1
    assert_kept(world)


def test_it_follows_a_survey(world):
    assert_kept(world)
    actions.do_record_survey(world.sam, world.person, visited_on=TODAY, findings="外出务工",
                             data={"employment_status": "out_province", "employer_name": "广东"})
    assert figures.read(world.sam).values["out_province"] == 1
    assert_kept(world)


def test_it_follows_households_their_members_and_a_move_of_the_household(world):
    assert_kept(world)
    home = household(world, relocated=True, relocation_site="安置点")
    assert_kept(world)
    make_person(world.alice, name="赵六", seq=21, household=home, employment_status="in_county", employer_name="车间")
    make_person(world.dora, name="钱七", seq=23, household=home, relationship="child", **DISABLED)
    assert figures.read(world.alice).values["relocated_employed"] == 1
    assert_kept(world)
    actions.do_update_household(world.alice, home, {"region_code": "522633102001"})
    assert figures.read(world.tom).values["households"] == 0
    assert_kept(world)
    actions.do_record_follow_up(world.alice, home, done_on=TODAY, action="contact", note="已走访")
    assert_kept(world)


def test_the_disabled_persons_federation_sees_the_figures_of_disabled_people(world):
    make_person(world.dora, name="孙八", seq=25, **DISABLED)
    reading = figures.read(world.dora)
    assert reading.values["people"] == 1
    assert figures.read(world.alice).values["people"] == 3
    actions.do_update_person(world.alice, world.person, DISABLED)
    assert figures.read(world.dora).values["people"] == 2
    assert_kept(world)


def test_it_follows_set_based_writes_of_the_generator_and_the_daily_refresh(world):
    generate_county("522633", 300, seed=3, append=True, today=TODAY)
    # the generator counted its county
    assert not VillageFigures.objects.filter(stale=True, region_code__startswith="522633").exists()
    assert_kept(world)
    Person.objects.filter(pk=world.person.pk).update(birth_date=datetime.date(1950, 1, 1))
    call_command("refresh", stdout=io.StringIO())
    assert_kept(world)


def test_a_refresh_gives_what_the_incremental_marking_kept(world):
    home = household(world)
    make_person(world.alice, name="赵六", seq=21, household=home)
    actions.do_update_person(world.alice, world.other_village_person, {"region_code": "522633101002"})
    figures.read(world.admin)  # recounts the stale villages
    kept = set(VillageFigures.objects.values_list("region_code", "population", "people", "households"))
    figures.refresh()
    assert set(VillageFigures.objects.values_list("region_code", "population", "people", "households")) == kept


def test_writes_mark_only_the_villages_they_touch(world):
    figures.refresh()
    actions.do_update_person(world.alice, world.person, {"region_code": "522633102001"})
    stale = set(VillageFigures.objects.filter(stale=True).values_list("region_code", flat=True))
    assert stale == {"522633101001", "522633102001"}


def test_a_read_waits_for_no_more_than_its_limit_and_says_since_when(world, monkeypatch):
    figures.refresh()
    counted_at = VillageFigures.objects.get(region_code="522633101001", population="").counted_at
    monkeypatch.setattr(figures.KEEPER, "limit", 0)
    actions.do_update_person(world.alice, world.person, {"employment_status": "in_county", "employer_name": "车间"})
    reading = figures.read(world.alice)
    assert (reading.waiting, reading.as_of, reading.values["in_county"]) == (1, counted_at, 0)
    monkeypatch.setattr(figures.KEEPER, "limit", 8)
    assert figures.read(world.alice).values["in_county"] == 1


def test_the_region_tree_counts_from_the_kept_figures(world):
    make_person(world.alice, name="赵六", seq=21, region_code="522633101002")
    assert figures.people_by_child(world.alice, "522633", 4) == {"522633101000": 2, "522633102000": 1}
    assert figures.people_by_child(world.tom, "522633", 4) == {"522633101000": 2}
    assert figures.people_by_child(world.tom, "522633101", 5) == {"522633101001": 1, "522633101002": 1}
    assert figures.people_by_child(world.bob, "522633", 4) == {}
    assert figures.people_under(world.sam, "522633") == 1


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("name", ["alice", "tom", "dora"])
def test_the_home_page_reads_no_ledger_table_when_the_figures_are_fresh(world, client, name):
    _login(client, getattr(world, name))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    ledger = [q["sql"] for q in queries if '"registry_person"' in q["sql"] or '"registry_household"' in q["sql"]]
    assert ledger == []
    figures_queries = [q["sql"] for q in queries if "registry_villagefigures" in q["sql"]]
    assert len(figures_queries) == 1
    assert "统计时间" not in response.content.decode()


def test_the_home_page_recounts_only_the_stale_village(world, client):
    _login(client, world.alice)
    client.get(reverse("home"))
    actions.do_update_person(world.alice, world.person, {"employment_status": "in_county", "employer_name": "车间"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    # one grouped count of the people and one of the households, of that village only
    ledger = [q["sql"] for q in queries if '"registry_person"' in q["sql"] or '"registry_household"' in q["sql"]]
    assert len(ledger) == 2
    assert all("522633101001" in sql and "522633102001" not in sql for sql in ledger)
    assert response.context["sections"]  # rendered with the recounted figures
    assert figures.read(world.alice).values["in_county"] == 1


def test_the_home_and_region_pages_say_since_when_while_villages_wait(world, client, monkeypatch):
    figures.refresh()
    monkeypatch.setattr(figures.KEEPER, "limit", 0)
    make_person(world.alice, name="赵六", seq=21)
    _login(client, world.alice)
    for url in (reverse("home"), reverse("regions")):
        page = client.get(url).content.decode()
        assert "统计时间" in page and "1 个村有新的变动" in page, url


def test_an_unknown_narrowing_falls_back_to_a_direct_count(world, monkeypatch):
    monkeypatch.setattr(figures, "population_of", lambda user: None)
    assert figures.read(world.dora).values == fresh(world.dora)


def test_the_refresh_command_recounts_only_the_figures(world):
    VillageFigures.objects.update(people=99)
    call_command("refresh", "--figures-only", "--region", "522633", stdout=io.StringIO())
    assert figures.read(world.alice).values["people"] == 2
    assert VillageFigures.objects.get(region_code="522631101001", population="").people == 99


def test_marking_a_set_marks_before_and_after(world):
    figures.refresh()
    services.update_people(Person.objects.filter(pk=world.person.pk), "move", region_code="522633102001")
    assert set(VillageFigures.objects.filter(stale=True).values_list("region_code", flat=True)) == {
        "522633101001", "522633102001"}
    assert Household.objects.count() == 0
    assert_kept(world)


@pytest.mark.django_db(transaction=True)
def test_a_read_during_an_open_write_neither_waits_nor_misses_it(world):
    """PostgreSQL, where the write really is open beside the read: the read skips the village the
    write holds (it shows the figures as of their last count) and the next read recounts it."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set BANGFU_DATABASE_URL)")
    figures.refresh()
    VillageFigures.objects.filter(region_code="522633101001").update(stale=True)  # an earlier change
    written, release = threading.Event(), threading.Event()

    def write():
        try:
            with transaction.atomic():
                actions.do_update_person(world.alice, Person.objects.get(pk=world.person.pk),
                                         {"employment_status": "in_county", "employer_name": "车间"})
                written.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    assert written.wait(10)
    during = figures.read(world.alice)
    release.set()
    thread.join(10)
    assert (during.values["in_county"], during.waiting) == (0, 1)
    after = figures.read(world.alice)
    assert (after.values["in_county"], after.waiting) == (1, 0)
