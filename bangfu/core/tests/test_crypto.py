import base64
import hashlib
import os
import subprocess
import sys

import pytest
from django.core import checks
from django.core.management import CommandError

from bangfu.conftest import TEST_FIELD_KEY, valid_id
from bangfu.core import crypto
from bangfu.core.models import FieldKey
from bangfu.core.tests.conftest import NEW_FIELD_KEY, NEW_ID, OLD_ID, OTHER_FIELD_KEY
from bangfu.management.commands.serve import refuse_mismatched_field_keys
from bangfu.registry.models import Person


def legacy_token(key_text: str, value: str) -> str:
    """A value as the first release stored it: v1, no key id."""
    nonce = os.urandom(12)
    sealed = crypto.derive_key(key_text).aes.encrypt(nonce, value.encode(), None)
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def test_a_key_id_is_eight_hex_characters_that_do_not_digest_the_key_itself():
    raw = crypto.decode_key(TEST_FIELD_KEY)
    assert len(OLD_ID) == 8 and int(OLD_ID, 16) >= 0
    assert OLD_ID not in (hashlib.sha256(raw).hexdigest()[:8], hashlib.sha256(TEST_FIELD_KEY.encode()).hexdigest()[:8])
    assert OLD_ID != NEW_ID


def test_a_ciphertext_names_its_key_id(db):
    token = crypto.encrypt("522633198503090113")
    assert token.startswith(f"v2:{OLD_ID}:")
    assert crypto.decrypt(token) == "522633198503090113"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_legacy_v1_values_still_decrypt_under_any_active_key(use_keys):
    assert crypto.decrypt(legacy_token(TEST_FIELD_KEY, "13812345678")) == "13812345678"
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    assert crypto.decrypt(legacy_token(TEST_FIELD_KEY, "13812345678")) == "13812345678"


def test_a_retired_key_still_decrypts_and_its_hash_still_finds(db, use_keys):
    old_token, old_hash = crypto.encrypt("13812345678"), crypto.lookup_hash("13812345678")
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    assert crypto.decrypt(old_token) == "13812345678"
    assert crypto.encrypt("13812345678").startswith(f"v2:{NEW_ID}:")
    new_hash = crypto.lookup_hash("13812345678")
    assert new_hash != old_hash
    assert crypto.lookup_hashes("13812345678") == [new_hash, old_hash]  # the current key first


def test_a_value_under_an_unknown_key_names_that_key(db, use_keys):
    token = crypto.encrypt("13812345678")
    use_keys(NEW_FIELD_KEY)
    with pytest.raises(crypto.UnknownKey, match=OLD_ID) as excinfo:
        crypto.decrypt(token)
    assert excinfo.value.key_id == OLD_ID
    with pytest.raises(crypto.UnknownKey, match="legacy"):
        crypto.decrypt(legacy_token(TEST_FIELD_KEY, "13812345678"))


def test_the_sealer_keeps_working_for_bulk_work(db):
    sealer = crypto.Sealer()
    tokens = [sealer.encrypt(f"1381234{n:04d}") for n in range(50)]
    assert [sealer.decrypt(t) for t in tokens] == [f"1381234{n:04d}" for n in range(50)]
    assert sealer.hash("52263319850309011x") == crypto.lookup_hash("52263319850309011X")
    assert sealer.key_id == OLD_ID


def test_the_first_encryption_under_a_key_records_it(db, use_keys):
    assert not FieldKey.objects.exists()
    crypto.encrypt("13812345678")
    crypto.encrypt("13812345679")
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)
    crypto.encrypt("13812345678")
    assert sorted(FieldKey.objects.values_list("key_id", flat=True)) == sorted([OLD_ID, NEW_ID])


def test_verify_keys_accepts_the_right_key_and_names_data_under_a_wrong_one(world, use_keys):
    assert crypto.verify_keys() == []
    use_keys(NEW_FIELD_KEY)
    problems = crypto.verify_keys()
    assert len(problems) == 1 and OLD_ID in problems[0] and "BANGFU_FIELD_KEY" in problems[0]
    use_keys(NEW_FIELD_KEY, TEST_FIELD_KEY)  # the old key retired but still configured: fine
    assert crypto.verify_keys() == []


def test_verify_keys_bootstraps_a_database_that_predates_the_key_check(world, use_keys):
    number = valid_id(seq=11)
    Person.objects.filter(pk=world.person.pk).update(id_number_enc=legacy_token(TEST_FIELD_KEY, number))
    FieldKey.objects.all().delete()
    assert crypto.verify_keys(record=False) == [] and not FieldKey.objects.exists()
    assert crypto.verify_keys() == []
    assert list(FieldKey.objects.values_list("key_id", flat=True)) == [OLD_ID]

    FieldKey.objects.all().delete()
    Person.objects.update(id_number_enc=legacy_token(TEST_FIELD_KEY, number), phone_enc="")
    use_keys(OTHER_FIELD_KEY)
    other_id = crypto.key_ring().current.key_id
    assert crypto.verify_keys() == [
        f"no configured field key can read registry.Person.id_number_enc (configured: {other_id})"]


def test_the_database_check_reports_a_wrong_key_and_other_checks_query_nothing(world, use_keys,
                                                                              django_assert_num_queries):
    use_keys(NEW_FIELD_KEY)
    with django_assert_num_queries(0):
        assert not [e for e in checks.run_checks() if e.id == "bangfu.E006"]
    errors = [e for e in checks.run_checks(databases=["default"], tags=[checks.Tags.database])
              if e.id == "bangfu.E006"]
    assert len(errors) == 1 and OLD_ID in errors[0].msg


def test_a_retired_key_that_is_not_a_key_is_reported(settings):
    settings.FIELD_KEYS_RETIRED = [NEW_FIELD_KEY, "not-a-key"]
    errors = [e for e in checks.run_checks() if e.id == "bangfu.E005"]
    assert [e.msg for e in errors] == ["BANGFU_FIELD_KEYS_RETIRED, key 2: the key is not valid base64"]


def test_serve_refuses_to_start_when_the_key_does_not_match_the_data(world, use_keys):
    refuse_mismatched_field_keys()  # the right key: nothing to say
    use_keys(NEW_FIELD_KEY)
    with pytest.raises(CommandError, match=f"will not start(.|\n)*{OLD_ID}"):
        refuse_mismatched_field_keys()


def test_the_commands_refuse_a_wrong_key_with_a_message_not_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANGFU_", "DJANGO_"))}
    env.update(BANGFU_DATA_DIR=str(tmp_path), BANGFU_FIELD_KEY=TEST_FIELD_KEY)

    def bangfu(*args, **extra):
        command = [sys.executable, "-m", "bangfu.cli", *args]
        return subprocess.run(command, env={**env, **extra}, capture_output=True,  # noqa: S603 (our own command)
                              text=True, timeout=300, check=False)

    for command in (["migrate", "-v0"], ["generate", "--county", "522633", "--people", "5"]):
        made = bangfu(*command)
        assert made.returncode == 0, made.stderr
    for command in (["serve", "--port", "1"], ["demo", "--no-serve"]):
        refused = bangfu(*command, BANGFU_FIELD_KEY=NEW_FIELD_KEY)
        assert refused.returncode != 0
        assert "bangfu will not start" in refused.stderr and OLD_ID in refused.stderr
        assert "Traceback" not in refused.stderr
