"""Keys for the rotation tests: the suite's TEST_FIELD_KEY is the one being rotated away from."""

import pytest

from bangfu.conftest import TEST_FIELD_KEY
from bangfu.core import crypto

NEW_FIELD_KEY = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE="
OTHER_FIELD_KEY = "b2RkLWtleS1vZGQta2V5LW9kZC1rZXktb2RkLWtleSE="
OLD_ID = crypto.derive_key(TEST_FIELD_KEY).key_id
NEW_ID = crypto.derive_key(NEW_FIELD_KEY).key_id


@pytest.fixture
def use_keys(settings):
    """use_keys(current, *retired) configures the field keys, as a restart with new settings would."""

    def configure(current: str, *retired: str):
        settings.FIELD_KEY = current
        settings.FIELD_KEYS_RETIRED = list(retired)

    return configure
