"""Exact behaviour of core.writes that editors and API clients rely on: the stale-edit message, the
version comparison, and how a submission key is stored and reused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import translation

from bangfu.core import writes
from bangfu.core.history import Change
from bangfu.core.models import Submission
from bangfu.registry.models import Household


def make(region="522633101001"):
    return lambda: Household.objects.create(number=f"{region}{Household.objects.count() + 1:04d}", region_code=region)


def change(label):
    return Change(field=label, label=label, old="a", new="b")


def test_a_stale_edit_names_both_versions_and_each_changed_field_once():
    household = Household(version=5)
    changes = [change("户主"), change("住址"), change("户主")]
    error = writes.StaleEdit(household, 3, changes)
    assert str(error) == "该记录已被他人修改（版本 3 → 5，修改了：户主、住址），请刷新后重新编辑"
    assert (error.record, error.expected, error.changes) == (household, 3, changes)


def test_a_stale_edit_without_visible_changes_says_so():
    assert str(writes.StaleEdit(Household(version=2), 1, [])) == (
        "该记录已被他人修改（版本 1 → 2，修改了：（无可见字段）），请刷新后重新编辑")


def test_the_stale_edit_message_is_translated():
    with translation.override("en"):
        message = str(writes.StaleEdit(Household(version=2), 1, []))
    assert "1" in message and "2" in message and "该记录" not in message


@transaction.atomic
def test_without_a_key_the_record_is_new_each_time(world):
    first, created = writes.once(world.alice, "", make())
    second, created_again = writes.once(world.alice, None, make())
    assert (created, created_again) == (True, True) and first.pk != second.pk


def test_check_version_takes_a_version_as_text_and_asks_what_changed_since_it():
    household = Household(version=4)
    asked = []

    def changes_since(record, version):
        asked.append((record, version))
        return [change("住址")]

    writes.check_version(household, "4", changes_since)  # a form posts the version as text
    assert asked == []
    with pytest.raises(writes.StaleEdit) as caught:
        writes.check_version(household, "2", changes_since)
    assert asked == [(household, 2)]
    assert caught.value.expected == 2 and [c.label for c in caught.value.changes] == ["住址"]
    with pytest.raises(writes.StaleEdit):
        writes.check_version(household, 5, changes_since)  # a newer version than stored is refused too


@transaction.atomic
def test_the_key_is_stored_per_user_and_cut_to_its_column(world):
    long_key = "k" * 150
    record, created = writes.once(world.alice, long_key, make())
    submission = Submission.objects.get()
    assert submission.key == f"{world.alice.pk}:{long_key}"[:100] and len(submission.key) == 100
    assert (submission.user, submission.object_type, submission.object_id) == (
        world.alice, "registry.household", str(record.pk))
    # The same long key again (cut alike) returns the record.
    assert writes.once(world.alice, long_key, make()) == (record, False)


@transaction.atomic
@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_a_submission_without_a_user_is_kept_under_its_bare_key(db, nobody):
    record, created = writes.once(nobody, "anon", make())
    submission = Submission.objects.get()
    assert (submission.key, submission.user, created) == (":anon", None, True)
    assert writes.once(nobody, "anon", make()) == (record, False)
    assert writes.once(None, "anon", make()) == (record, False)  # the same nobody


@transaction.atomic
def test_a_key_taken_by_a_submission_still_running_is_refused_not_reused(world):
    Submission.objects.create(key=f"{world.alice.pk}:busy", user=world.alice)  # no record yet
    with pytest.raises(IntegrityError):
        writes.once(world.alice, "busy", make())
    assert not Household.objects.exists()
