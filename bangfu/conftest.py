"""The shared test world: two counties and a fixed user for each role (see docs/development.md).

alice   county HRSS officer of 从江县 (522633)        bob     HRSS officer of 黎平县 (522631)
sam     surveyor of village 522633101001            tom     township officer of 522633101
dora    disabled persons' federation, 从江县          audrey  auditor of 从江县
admin   system administrator (the whole country)    ed      employer operator in 从江县
"""

import datetime
import types

import pytest
from django.utils import translation

from bangfu.accounts.models import Role, User
from bangfu.core import crypto
from bangfu.regions import picker
from bangfu.regions.services import ensure_regions
from bangfu.registry import actions
from bangfu.registry.identifiers import build_resident_id

TEST_FIELD_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE="
PASSWORD = "correct-horse-battery-staple"  # noqa: S105

REGIONS = [
    ("520000000000", "贵州省", 1), ("522600000000", "黔东南苗族侗族自治州", 2),
    ("522633000000", "从江县", 3), ("522633101000", "丙妹镇", 4),
    ("522633101001", "大塘村", 5), ("522633101002", "岜沙村", 5),
    ("522633102000", "贯洞镇", 4), ("522633102001", "干团村", 5),
    ("522631000000", "黎平县", 3), ("522631101000", "德凤街道", 4), ("522631101001", "高屯村", 5),
]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.FIELD_KEY = TEST_FIELD_KEY
    settings.FIELD_KEYS_RETIRED = []
    settings.DATA_DIR = tmp_path
    # Key ids recorded by an earlier test may have been committed to tables emptied since.
    crypto.clear_caches()
    # Region names a process keeps for its pages: another test's regions were rolled back.
    picker.forget()
    # Argon2 is deliberately slow; tests create many users (test_accounts checks the real hasher).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # The language middleware leaves the last request's language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)


def valid_id(address: str = "522633", birth: datetime.date = datetime.date(1985, 3, 9), seq: int = 123) -> str:
    return build_resident_id(address, birth, seq)


@pytest.fixture
def world(db):
    """Regions, one user per role, and a few people; returns a namespace of them."""
    return build_world()


def build_world() -> types.SimpleNamespace:
    """The world itself, for fixtures of a wider scope (bangfu/tests/test_scope_matrix.py)."""
    ensure_regions(REGIONS)

    def user(username, role, region):
        return User.objects.create_user(username, password=PASSWORD, role=role, region_id=region)

    w = types.SimpleNamespace(
        admin=user("admin", Role.ADMIN, None),
        alice=user("alice", Role.HRSS_OFFICER, "522633000000"),
        bob=user("bob", Role.HRSS_OFFICER, "522631000000"),
        sam=user("sam", Role.SURVEYOR, "522633101001"),
        tom=user("tom", Role.TOWNSHIP_OFFICER, "522633101000"),
        dora=user("dora", Role.DPF_OFFICER, "522633000000"),
        audrey=user("audrey", Role.AUDITOR, "522633000000"),
        ed=user("ed", Role.EMPLOYER, "522633000000"),
    )
    w.person = make_person(w.admin, name="张三丰", region_code="522633101001", seq=11)
    w.other_village_person = make_person(w.admin, name="李四", region_code="522633102001", seq=13)
    w.outsider_person = make_person(w.admin, name="王五", region_code="522631101001", seq=15, address="522631")
    return w


def make_person(user, *, name="张三丰", region_code="522633101001", seq=11, address="522633",
                birth=datetime.date(1985, 3, 9), **fields):
    data = {
        "name": name, "id_number": valid_id(address, birth, seq), "region_code": region_code,
        "relationship": "head", "labour_ability": "full", "poverty_status": "tuopin",
        "employment_status": "seeking", "phone": "13812345678", **fields,
    }
    return actions.do_create_person(user, data)
