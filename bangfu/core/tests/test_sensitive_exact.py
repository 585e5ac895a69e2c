"""Exact behaviour of a declared identifier: the columns it stores, the masks users see, which values
count as held, and how `redact` masks identifiers wherever they turn up."""

import pytest
from django.db import models
from django.test import RequestFactory
from django.test.utils import isolate_apps

from bangfu.conftest import TEST_FIELD_KEY, valid_id
from bangfu.core import crypto, sensitive
from bangfu.core.sensitive import SensitiveIdentifier
from bangfu.core.tests.conftest import NEW_FIELD_KEY
from bangfu.registry.models import Person

NUMBER = valid_id(seq=11)
CARD = NUMBER + "41"


def field(name):
    return Person._meta.get_field(name)


def test_the_columns_of_a_declaration():
    enc, hash_, head, tail = (field(f"id_number_{part}") for part in ("enc", "hash", "head", "tail"))
    assert (type(enc).__name__, enc.blank, enc.editable) == ("TextField", True, False)
    assert (hash_.max_length, hash_.blank, hash_.editable) == (32, True, True)
    assert (hash_.unique, hash_.db_index) == (True, False)
    assert (head.max_length, head.blank, head.editable) == (4, True, False)
    assert (tail.max_length, tail.blank, tail.editable, tail.db_index) == (4, True, False, True)
    # Not unique: the hash is indexed instead; a tail that is not searched is not indexed.
    assert (field("phone_hash").unique, field("phone_hash").db_index) == (False, True)
    assert (field("phone_head").max_length, field("phone_tail").max_length) == (3, 4)
    assert (field("disability_card_tail").max_length, field("disability_card_tail").db_index) == (6, False)


@isolate_apps("bangfu.core")
def test_declaring_adds_the_four_columns_sized_by_what_the_mask_keeps(db):
    class Card(models.Model):
        number = SensitiveIdentifier("卡号", keep=(0, 6), unique=True, max_length=19, index_tail=False)
        phone = SensitiveIdentifier("电话")
        code = SensitiveIdentifier("编码", keep=(2, 0))

        def __str__(self):
            return self.number_masked

    assert sensitive.identifiers_of(Card) == {"number": Card.number, "phone": Card.phone, "code": Card.code}
    assert (Card.number.name, Card.phone.name, Card.phone.keep) == ("number", "phone", (4, 4))
    columns = {f.name: f for f in Card._meta.concrete_fields}
    enc, hash_, head, tail = (columns[name] for name in Card.number.columns)
    assert (type(enc), enc.blank, enc.editable) == (models.TextField, True, False)
    assert (type(hash_), hash_.max_length, hash_.blank, hash_.editable) == (sensitive.WholeValueField, 32, True, True)
    assert (hash_.unique, hash_.db_index) == (True, False)
    assert (head.max_length, head.blank, head.editable) == (1, True, False)  # keeps none: one still
    assert (tail.max_length, tail.blank, tail.editable, tail.db_index) == (6, True, False, False)
    assert (columns["phone_hash"].unique, columns["phone_hash"].db_index) == (False, True)
    assert (columns["phone_head"].max_length, columns["phone_tail"].max_length) == (4, 4)
    assert columns["phone_tail"].db_index is True
    assert (columns["code_head"].max_length, columns["code_tail"].max_length) == (2, 1)  # keeps none: one still
    card = Card(**Card.number.seal("", None))
    assert card.number_masked == "" and card.phone_masked == ""
    card = Card(**Card.phone.seal("13812345678"))
    assert card.phone_masked == "1381" + "*" * 12 + "5678"  # hides up to 20 characters by default


@isolate_apps("bangfu.core")
def test_a_subclass_adds_its_identifiers_without_changing_its_parents():
    class Base(models.Model):
        number = SensitiveIdentifier("卡号")

        class Meta:
            abstract = True

    class Child(Base):
        phone = SensitiveIdentifier("电话")

        def __str__(self):
            return self.phone_masked

    assert set(sensitive.identifiers_of(Base)) == {"number"}
    assert set(sensitive.identifiers_of(Child)) == {"number", "phone"}
    assert {"number_hash", "phone_hash"} <= {f.name for f in Child._meta.concrete_fields}


def test_a_declaration_that_keeps_nothing_of_one_end(db):
    declared = SensitiveIdentifier("编号", keep=(2, 0), max_length=8, name="code")
    sealed = declared.seal("AB123456")
    assert (sealed["code_head"], sealed["code_tail"]) == ("AB", "")
    assert declared.mask_text("AB123456") == "AB******"
    assert declared.mask_text("AB") == "**"  # no longer than what the mask keeps: all hidden


@pytest.mark.parametrize(("value", "masked"), [
    ("13812345678", "138****5678"),
    ("1381234", "*******"),  # exactly the kept length: nothing shown
    ("13812345", "138*2345"),  # one more than the kept length: one hidden
    ("", ""),
])
def test_mask_text_hides_the_middle_and_never_shows_a_short_value(value, masked):
    assert Person.phone.mask_text(value) == masked


def test_the_stored_mask_hides_at_least_four_characters(db):
    short = SensitiveIdentifier("编号", keep=(3, 4), max_length=9, name="code")
    person = type("Row", (), short.seal("123456789"))()
    assert short.masked(person) == "123****6789"  # 9 - 3 - 4 = 2 hidden, shown as 4
    person = Person(**Person.phone.seal("13812345678"))
    assert person.phone_masked == "138****5678"
    person.phone_hash = ""
    assert person.phone_masked == ""  # no hash: no value, whatever the parts say


def test_an_instance_names_the_sealed_field_and_the_ways_to_it(world):
    with pytest.raises(AttributeError) as caught:
        world.person.phone  # noqa: B018
    assert str(caught.value) == "phone is sealed: use phone_masked, or reveal()"


def test_holds_compares_under_every_active_key(world, use_keys):
    person = Person.objects.get(pk=world.person.pk)
    assert Person.id_number.holds(person, NUMBER)
    assert not Person.id_number.holds(person, NUMBER[:-1] + "0")
    assert not Person.id_number.holds(person, "")
    assert not Person.disability_card.holds(person, "")  # nothing stored, nothing given
    use_keys(NEW_FIELD_KEY, crypto.new_key(), TEST_FIELD_KEY)
    assert Person.id_number.holds(person, NUMBER)  # not rotated yet: still held


def test_hidden_and_hash_columns():
    assert sensitive.hidden_columns(Person) == {
        "id_number_enc", "id_number_head", "id_number_tail", "phone_enc", "phone_head", "phone_tail",
        "disability_card_enc", "disability_card_head", "disability_card_tail"}
    assert sensitive.hash_columns(Person) == {
        "id_number_hash": Person.id_number, "phone_hash": Person.phone, "disability_card_hash": Person.disability_card}
    assert sensitive.identifiers_of(object) == {} and sensitive.hidden_columns(object) == set()
    assert Person in sensitive.sensitive_models()


def test_redact_masks_every_identifier_in_text_and_keeps_the_rest():
    text = f"查找 {CARD} 和 {NUMBER}，电话 13812345678，编号 12345"
    assert sensitive.redact(text) == (
        f"查找 {Person.disability_card.mask_text(CARD)} 和 {Person.id_number.mask_text(NUMBER)}，"
        "电话 138****5678，编号 12345")


def test_redact_goes_through_dicts_lists_and_tuples_and_leaves_other_values():
    masked = Person.id_number.mask_text(NUMBER)
    assert sensitive.redact({"q": NUMBER, "n": [NUMBER, 3], "t": (NUMBER,), "x": None, "k": 7}) == {
        "q": masked, "n": [masked, 3], "t": [masked], "x": None, "k": 7}


def test_reveal_announces_who_saw_what_and_where(world):
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs["user"], kwargs["obj"], kwargs["field"], kwargs["request"]))

    request = RequestFactory().post("/")
    sensitive.identifier_revealed.connect(listener)
    try:
        assert sensitive.reveal(world.alice, world.person, "phone", request=request) == "13812345678"
    finally:
        sensitive.identifier_revealed.disconnect(listener)
    assert heard == [(Person, world.alice, world.person, "phone", request)]
