"""Two officers at once, on PostgreSQL (where requests really run side by side): the later of two
edits of one version is refused, and two copies of one submission make one record."""

import threading

import pytest
from django.db import connection

from bangfu.core.writes import StaleEdit
from bangfu.registry import actions
from bangfu.registry.models import Household, Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set BANGFU_DATABASE_URL)")


def side_by_side(*calls):
    """Run the calls in threads released together; returns each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 (the test reads what each call raised)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_edits_of_the_same_version_one_wins_one_is_told(world):
    person = world.person
    results = side_by_side(
        lambda: actions.do_update_person(world.alice, Person.objects.get(pk=person.pk), {"wish_jobs": "保安"},
                                         version=1),
        lambda: actions.do_update_person(world.tom, Person.objects.get(pk=person.pk), {"wish_jobs": "厨师"},
                                         version=1),
    )
    refused = [r for r in results if isinstance(r, StaleEdit)]
    assert len(refused) == 1, results
    person.refresh_from_db()
    assert person.version == 2
    winner = "保安" if results[0] == ["wish_jobs"] else "厨师"
    assert person.wish_jobs == winner
    assert person.history.count() == 2  # the creation and the one edit that won


def test_two_copies_of_one_submission_make_one_household(world):
    data = {"region_code": "522633101001", "address": "一组"}
    results = side_by_side(*[lambda: actions.do_create_household(world.alice, data, key="d" * 32)] * 3)
    assert all(isinstance(r, Household) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Household.objects.count() == 1
