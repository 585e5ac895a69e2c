"""Known answers and exact messages of the field-key machinery: a changed derivation label, length,
prefix or message must show here (the key id and digests are published in every ciphertext and
stored hash, so they must never drift between releases)."""

import stat

import pytest

from bangfu.conftest import TEST_FIELD_KEY
from bangfu.core import crypto
from bangfu.core.tests.conftest import NEW_FIELD_KEY, NEW_ID, OLD_ID

# Computed once with the release's derivation; a stored database depends on them.
KNOWN_ID = "8493aac0"
KNOWN_HASH = "7dbe63cdcbd8ce308400b91a7d8ab8a7"  # of 52263319850309011X
KNOWN_TOKEN = "v2:8493aac0:50sDCXz0E6oHCkXB+cKzhFtjE37JLcHcaUjPvpp0srTZRbpbhzlt"  # 13812345678


def test_the_derivation_gives_the_known_key_id_digest_and_cipher():
    key = crypto.derive_key(TEST_FIELD_KEY)
    assert key.key_id == OLD_ID == KNOWN_ID
    assert key.hash("52263319850309011x") == key.hash("52263319850309011X") == KNOWN_HASH
    assert key.hash("") == ""
    assert key.prefix == f"v2:{KNOWN_ID}:"
    assert key.open(KNOWN_TOKEN.removeprefix(key.prefix)) == "13812345678"


def test_a_sealed_value_is_the_prefix_and_base64_of_a_12_byte_nonce_and_the_ciphertext():
    import base64

    key = crypto.derive_key(TEST_FIELD_KEY)
    token = key.seal("13812345678")
    raw = base64.b64decode(token.removeprefix(key.prefix))
    assert len(raw) == 12 + len("13812345678") + 16  # nonce, text, GCM tag
    assert key.aes.decrypt(raw[:12], raw[12:], None) == b"13812345678"


@pytest.mark.parametrize(("text", "message"), [
    ("not-a-key", "the key is not valid base64"),
    ("c2hvcnQ=", "the key must be 32 bytes, not 5"),
    (TEST_FIELD_KEY[:8] + "!" + TEST_FIELD_KEY[8:], "the key is not valid base64"),  # not skipped over
])
def test_a_bad_key_is_named_exactly(text, message):
    with pytest.raises(ValueError) as excinfo:
        crypto.decode_key(text)
    assert str(excinfo.value) == message


def test_unknown_key_messages_say_which_setting_to_fix():
    assert str(crypto.UnknownKey("abcd1234")) == (
        "the value is encrypted under field key abcd1234, which is neither BANGFU_FIELD_KEY nor in "
        "BANGFU_FIELD_KEYS_RETIRED")
    assert str(crypto.UnknownKey(None)) == (
        "no configured field key can decrypt this legacy (v1) value: the key that encrypted it is neither "
        "BANGFU_FIELD_KEY nor in BANGFU_FIELD_KEYS_RETIRED")
    assert crypto.UnknownKey(None).key_id is None


def test_the_ring_drops_retired_keys_that_repeat_the_current_or_each_other(use_keys):
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY, NEW_FIELD_KEY, TEST_FIELD_KEY)
    ring = crypto.key_ring()
    assert ring.key_ids == [NEW_ID, OLD_ID]
    assert ring.get(OLD_ID) is ring.retired[0] and ring.get(NEW_ID) is ring.current
    with pytest.raises(crypto.UnknownKey) as excinfo:
        ring.get("00000000")
    assert excinfo.value.key_id == "00000000"
    assert crypto.lookup_hashes("x") == [crypto.derive_key(NEW_FIELD_KEY).hash("x"),
                                         crypto.derive_key(TEST_FIELD_KEY).hash("x")]
    use_keys(TEST_FIELD_KEY, TEST_FIELD_KEY)
    assert crypto.key_ring().key_ids == [OLD_ID] and len(crypto.lookup_hashes("x")) == 1


def test_key_id_of_names_the_key_of_new_and_legacy_values(use_keys):
    from bangfu.core.tests.test_crypto import legacy_token

    ring = crypto.key_ring()
    assert ring.key_id_of(KNOWN_TOKEN) == OLD_ID
    assert ring.key_id_of("v2:feedbeef:AAAA") == "feedbeef"  # named, even when not configured
    assert ring.key_id_of(legacy_token(TEST_FIELD_KEY, "x")) == OLD_ID
    assert ring.key_id_of(legacy_token(TEST_FIELD_KEY, "x").removeprefix("v1:")) == OLD_ID
    assert ring.key_id_of(legacy_token(NEW_FIELD_KEY, "x")) is None
    assert ring.decrypt(legacy_token(TEST_FIELD_KEY, "x").removeprefix("v1:")) == "x"


@pytest.mark.parametrize("existing_dir", [False, True])
def test_without_a_configured_key_the_demo_keeps_one_beside_its_database(settings, tmp_path, existing_dir):
    settings.FIELD_KEY = ""
    settings.DATA_DIR = data = tmp_path / "deep" / "data"
    if existing_dir:
        data.mkdir(parents=True)
    first = crypto.key_ring().current
    path = data / "field.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(crypto.decode_key(path.read_text().strip())) == 32
    crypto.clear_caches()
    assert crypto.key_ring().current.key_id == first.key_id  # read back, not made again
    assert crypto.decrypt(first.seal("x")) == "x"


def test_the_key_id_is_what_stands_between_the_first_and_second_colon():
    ring = crypto.key_ring()
    assert ring.key_id_of("v2:feedbeef:AA:BB") == "feedbeef"
    with pytest.raises(crypto.UnknownKey) as excinfo:
        ring.decrypt("v2:feedbeef:AA:BB")
    assert excinfo.value.key_id == "feedbeef"


def test_verify_keys_names_a_recorded_key_even_when_no_sampled_value_uses_it(db, use_keys):
    from bangfu.core.models import FieldKey

    FieldKey.objects.create(key_id="feedbeef")
    use_keys(TEST_FIELD_KEY, NEW_FIELD_KEY)
    assert crypto.verify_keys() == [
        f"data is encrypted under field key feedbeef, which is not configured (configured: {OLD_ID}, {NEW_ID}): "
        "BANGFU_FIELD_KEY is not the key this database was written with, or a retired key was dropped "
        "from BANGFU_FIELD_KEYS_RETIRED before `bangfu rotatekey` finished"]


def test_verify_keys_samples_every_identifier_column_not_only_the_first(world, use_keys):
    from bangfu.core.tests.test_crypto import legacy_token
    from bangfu.registry.models import Person

    Person.objects.update(id_number_enc="", phone_enc=legacy_token(NEW_FIELD_KEY, "13812345678"))
    use_keys(TEST_FIELD_KEY, TEST_FIELD_KEY)
    assert crypto.verify_keys() == [
        f"no configured field key can read registry.Person.phone_enc (configured: {OLD_ID})"]


def test_a_sealer_records_its_key_once_and_a_commit_makes_it_known_to_the_process(
        db, django_capture_on_commit_callbacks, django_assert_num_queries):
    sealer = crypto.Sealer()
    with django_capture_on_commit_callbacks() as callbacks:
        sealer.encrypt("13812345678")
    with django_assert_num_queries(0):
        sealer.encrypt("13812345679")  # this sealer has recorded it
    assert OLD_ID not in crypto._recorded  # not yet committed: a rollback would lose the row
    assert len(callbacks) == 1
    callbacks[0]()
    assert OLD_ID in crypto._recorded
    with django_assert_num_queries(0):
        crypto.encrypt("13812345678")  # known to the process: no new sealer asks again


def test_empty_values_stay_empty_and_record_nothing(db):
    from bangfu.core.models import FieldKey

    assert (crypto.encrypt(""), crypto.decrypt(""), crypto.lookup_hash("")) == ("", "", "")
    assert crypto.key_ring().decrypt("") == "" and crypto.lookup_hashes("") == [""]
    assert not FieldKey.objects.exists()


def test_no_retired_keys_may_be_given_as_none(settings):
    settings.FIELD_KEYS_RETIRED = None
    ring = crypto.key_ring()
    assert (ring.key_ids, ring.retired) == ([OLD_ID], ())


def test_verify_keys_names_an_unusable_key_before_looking_at_the_data(settings):
    settings.FIELD_KEYS_RETIRED = ["not-a-key"]
    assert crypto.verify_keys() == ["a configured field key is unusable: the key is not valid base64"]


def test_a_key_file_written_by_hand_may_end_with_a_newline(settings, tmp_path):
    settings.FIELD_KEY = ""
    settings.DATA_DIR = tmp_path
    (tmp_path / "field.key").write_text(TEST_FIELD_KEY + "\n")  # echo KEY > field.key
    assert crypto.key_ring().current.key_id == OLD_ID


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_key_is_known_at_once():
    crypto.encrypt("13812345678")
    assert OLD_ID in crypto._recorded


def test_verify_keys_reads_a_database_that_predates_the_key_check_table(world, use_keys, monkeypatch):
    from django.db import connection

    from bangfu.core.models import FieldKey

    tables = set(connection.introspection.table_names()) - {FieldKey._meta.db_table}
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: sorted(tables))
    assert crypto.verify_keys() == []
    use_keys(NEW_FIELD_KEY)
    assert [problem.split(",")[0] for problem in crypto.verify_keys()] == [
        f"data is encrypted under field key {OLD_ID}"]


def test_an_unreadable_column_is_named_with_every_configured_key(world, use_keys):
    from bangfu.core.tests.conftest import OTHER_FIELD_KEY
    from bangfu.core.tests.test_crypto import legacy_token
    from bangfu.registry.models import Person

    Person.objects.update(id_number_enc="", phone_enc=legacy_token(OTHER_FIELD_KEY, "13812345678"))
    use_keys(TEST_FIELD_KEY, NEW_FIELD_KEY)
    assert crypto.verify_keys() == [
        f"no configured field key can read registry.Person.phone_enc (configured: {OLD_ID}, {NEW_ID})"]
