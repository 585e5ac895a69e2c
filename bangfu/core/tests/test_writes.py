"""Submission keys and versions (core.writes); the page and API flows are in registry's tests."""

import pytest
from django.db import transaction

from bangfu.core import writes
from bangfu.core.models import Submission
from bangfu.registry.models import Household


def make(region="522633101001"):
    return lambda: Household.objects.create(number=f"{region}{Household.objects.count() + 1:04d}", region_code=region)


@transaction.atomic
def test_once_runs_the_creation_once_per_key_and_user(world):
    first, created = writes.once(world.alice, "k1", make())
    again, created_again = writes.once(world.alice, "k1", make())
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert writes.once(world.tom, "k1", make())[1] is True
    assert Submission.objects.get(key=f"{world.alice.pk}:k1").object_type == "registry.household"


@transaction.atomic
def test_without_a_key_every_call_creates(world):
    writes.once(world.alice, None, make())
    writes.once(world.alice, "", make())
    assert Household.objects.count() == 2 and not Submission.objects.exists()


def test_a_failed_creation_leaves_its_key_free(world):
    def fail():
        raise ValueError("refused")

    with pytest.raises(ValueError), transaction.atomic():
        writes.once(world.alice, "k2", fail)
    with transaction.atomic():
        assert writes.once(world.alice, "k2", make())[1] is True


def test_check_version_refuses_an_older_version_only(world):
    household = Household(version=3)
    writes.check_version(household, None, lambda *_: [])
    writes.check_version(household, 3, lambda *_: [])
    with pytest.raises(writes.StaleEdit) as caught:
        writes.check_version(household, 2, lambda record, version: [])
    assert (caught.value.expected, caught.value.record) == (2, household)
