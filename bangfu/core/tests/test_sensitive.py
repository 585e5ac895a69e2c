"""A declared sensitive identifier: columns, mask, lookup, history and reveal."""

import pytest

from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id
from bangfu.core import crypto, sensitive
from bangfu.registry.models import Person

NUMBER = valid_id(seq=11)


def test_a_declaration_adds_its_columns_and_a_mask():
    declared = Person.id_number
    assert declared.columns == ("id_number_enc", "id_number_hash", "id_number_head", "id_number_tail")
    names = {f.name for f in Person._meta.concrete_fields}
    assert set(declared.columns) <= names
    assert sensitive.identifiers_of(Person) == {
        "id_number": Person.id_number, "phone": Person.phone, "disability_card": Person.disability_card}


def test_seal_encrypts_hashes_and_keeps_only_the_ends(db):
    sealed = Person.id_number.seal(NUMBER)
    assert NUMBER not in sealed["id_number_enc"]
    assert crypto.decrypt(sealed["id_number_enc"]) == NUMBER
    assert sealed["id_number_hash"] == crypto.lookup_hash(NUMBER)
    assert (sealed["id_number_head"], sealed["id_number_tail"]) == (NUMBER[:4], NUMBER[-4:])
    assert Person.id_number.seal("") == dict.fromkeys(Person.id_number.columns, "")


@pytest.mark.parametrize(("name", "value", "masked"), [
    ("id_number", NUMBER, f"{NUMBER[:4]}{'*' * 10}{NUMBER[-4:]}"),
    ("phone", "13812345678", "138****5678"),
    ("disability_card", NUMBER + "41", f"{NUMBER[:4]}{'*' * 10}{NUMBER[-4:]}41"),
])
def test_the_mask_hides_the_middle(db, name, value, masked):
    declared = sensitive.identifier(Person, name)
    person = Person(**declared.seal(value))
    assert getattr(person, f"{name}_masked") == masked == declared.mask_text(value)
    assert Person(**declared.seal("")).__getattribute__(f"{name}_masked") == ""


def test_an_instance_never_hands_out_the_clear_value(world):
    with pytest.raises(AttributeError):
        world.person.id_number  # noqa: B018
    assert Person.id_number.name == "id_number"


def test_the_ciphertext_never_reaches_history_only_the_hash(world):
    assert sensitive.hidden_columns(Person) >= {"id_number_enc", "phone_enc", "id_number_head", "phone_tail"}
    history_columns = {f.name for f in Person.history.model._meta.fields}
    assert "id_number_enc" not in history_columns and "id_number_hash" in history_columns


def test_lookup_finds_by_the_whole_value(world):
    assert list(Person.objects.filter(Person.id_number.lookup(NUMBER))) == [world.person]
    assert not Person.objects.filter(Person.id_number.lookup(NUMBER[:-1] + "0")).exists()


def test_reveal_gives_the_value_and_is_audited(world):
    assert sensitive.reveal(world.alice, world.person, "id_number") == NUMBER
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.field, entry.object_type) == ("alice", "id_number", "registry.person")
    assert NUMBER not in str(entry.detail)
