import io

import pytest
from django.core.management import CommandError, call_command

from bangfu.conftest import TEST_FIELD_KEY, make_person, valid_id
from bangfu.core import crypto, history
from bangfu.core.models import FieldKey
from bangfu.core.tests.conftest import NEW_FIELD_KEY, NEW_ID, OLD_ID
from bangfu.registry import actions
from bangfu.registry.models import Person
from bangfu.registry.selectors import search_people
from bangfu.registry.validation import DuplicatePerson


def rotatekey(*args) -> str:
    out = io.StringIO()
    call_command("rotatekey", *args, stdout=out)
    return out.getvalue()


def under(key_id: str) -> list[str]:
    return sorted(Person.objects.filter(id_number_enc__startswith=f"v2:{key_id}:").values_list("name", flat=True))


@pytest.fixture
def county(world):
    """The world's three people and two more, one of them with a disability card; all under the old key."""
    make_person(world.admin, name="赵六", seq=17, phone="13900001111")
    make_person(world.admin, name="钱七", seq=19, disability_category=1, disability_grade=2,
                disability_card=valid_id(seq=19) + "12")
    return world


def test_it_reencrypts_and_rehashes_everything_under_the_current_key(county, use_keys):
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    out = rotatekey("--batch", "2")
    assert "registry.Person: 2/5 rows re-encrypted" in out and "registry.Person: 5/5 rows re-encrypted" in out
    assert f"Field key {OLD_ID} holds no data any more" in out
    assert len(under(NEW_ID)) == 5
    card = Person.objects.get(name="钱七")
    assert crypto.decrypt(card.disability_card_enc) == valid_id(seq=19) + "12"
    assert card.disability_card_hash == crypto.lookup_hash(valid_id(seq=19) + "12")
    assert card.disability_card_enc.startswith(f"v2:{NEW_ID}:")
    assert list(FieldKey.objects.values_list("key_id", flat=True)) == [NEW_ID]
    use_keys(NEW_FIELD_KEY)  # the retired key dropped: everything still found and read
    assert crypto.verify_keys() == []
    person = search_people(Person.objects.all(), valid_id(seq=11)).get()
    assert (person.name, Person.id_number.decrypt(person)) == ("张三丰", valid_id(seq=11))
    assert search_people(Person.objects.all(), "13900001111").get().name == "赵六"
    assert rotatekey().count("nothing to re-encrypt") == 1


def test_an_interrupted_rotation_stays_readable_and_a_rerun_finishes_it(county, use_keys, monkeypatch):
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    real_bulk_update = Person.objects.bulk_update
    second_batch = set(Person.objects.order_by("pk").values_list("pk", flat=True)[2:4])
    written = []

    def killed_on_the_second_batch(rows, fields, **kwargs):
        # Killed after the batch's ID numbers are written and before its phones: nothing of it stays.
        if "phone_enc" in fields and second_batch & {row.pk for row in rows}:
            raise KeyboardInterrupt
        written.append((fields[0], {row.pk for row in rows}))
        return real_bulk_update(rows, fields, **kwargs)

    monkeypatch.setattr(Person.objects, "bulk_update", killed_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        rotatekey("--batch", "2")
    monkeypatch.undo()
    assert written[-1] == ("id_number_enc", second_batch)  # written, then rolled back with its batch
    assert len(under(NEW_ID)) == 2 and len(under(OLD_ID)) == 3  # the first batch only
    assert crypto.verify_keys() == []

    # Half done: everyone is read and found by a whole ID number, and no one can be entered twice.
    for seq, name in ((11, "张三丰"), (13, "李四"), (15, "王五"), (17, "赵六"), (19, "钱七")):
        number = valid_id(seq=seq, address="522631" if name == "王五" else "522633")
        person = search_people(Person.objects.all(), number).get()
        assert (person.name, Person.id_number.decrypt(person)) == (name, number)
    for seq in (11, 19):  # one rotated (the first batch has the lowest keys), one not
        with pytest.raises(DuplicatePerson):
            make_person(county.admin, name="重复", seq=seq)
    use_keys(NEW_FIELD_KEY)  # dropping the retired key before the rotation finished is refused
    assert any(OLD_ID in problem for problem in crypto.verify_keys())

    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    out = rotatekey("--batch", "2")
    assert "registry.Person: 3/3 rows re-encrypted" in out
    assert len(under(NEW_ID)) == 5 and not under(OLD_ID)
    assert list(FieldKey.objects.values_list("key_id", flat=True)) == [NEW_ID]


def test_history_hashes_follow_so_the_rotation_shows_no_change(world, use_keys):
    person = world.person
    actions.do_update_person(world.alice, person, {"phone": "13987654321"})
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    rotatekey()
    person.refresh_from_db()
    records = list(person.history.order_by("history_id"))
    assert [r.id_number_hash for r in records] == [person.id_number_hash] * 2
    assert records[-1].phone_hash == person.phone_hash == crypto.lookup_hash("13987654321")
    assert records[0].phone_hash != person.phone_hash  # the real change stays a change

    actions.do_update_person(world.alice, person, {"wish_jobs": "保安"})
    newest, changed_phone = history.history_entries(person)[:2]
    assert [change.field for change in newest.changes] == ["wish_jobs"]
    assert [change.field for change in changed_phone.changes] == ["phone"]


def test_an_unrotated_person_edited_during_a_rotation_changes_only_what_changed(county, use_keys):
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    person = county.person
    changed = actions.do_update_person(county.alice, person, {
        "id_number": valid_id(seq=11), "phone": "13812345678", "wish_jobs": "县城制衣厂"})
    assert changed == ["wish_jobs"]
    person.refresh_from_db()
    assert person.id_number_enc.startswith(f"v2:{OLD_ID}:")  # left for rotatekey
    # An unchanged ID number is not taken for a new one that would need a new disability card.
    card_holder = Person.objects.get(name="钱七")
    assert actions.do_update_person(county.alice, card_holder, {"id_number": valid_id(seq=19), "wish_jobs": "保安"}) \
        == ["wish_jobs"]


def test_a_dry_run_counts_and_changes_nothing(county, use_keys):
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    out = rotatekey("--dry-run")
    assert "registry.Person: 5 of 5 rows to re-encrypt" in out
    assert len(under(OLD_ID)) == 5 and not FieldKey.objects.filter(key_id=NEW_ID).exists()


def test_it_stops_at_a_value_under_a_key_that_is_not_configured(world, use_keys):
    use_keys(NEW_FIELD_KEY)
    with pytest.raises(CommandError, match=f"field key {OLD_ID}.*run `bangfu rotatekey` again"):
        rotatekey()
    assert len(under(OLD_ID)) == 3
