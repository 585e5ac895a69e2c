"""Existence probes: "registered in another region" is audited (number masked) and rate-limited per user."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.accounts.models import ApiToken, Role, User
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import PASSWORD, make_person, valid_id
from bangfu.registry import actions
from bangfu.registry.models import Person
from bangfu.registry.validation import DuplicatePerson, ProbeLimited

ZSF_ID = valid_id(seq=11)  # world.person, 张三丰 of 从江县: outside bob's 黎平县


@pytest.fixture
def limit(settings):
    settings.ID_PROBE_LIMIT = 3
    settings.ID_PROBE_WINDOW_SECONDS = 3600
    return 3


def person_data(id_number, **fields):
    return {"name": "试探", "id_number": id_number, "region_code": "522631101001", "relationship": "head",
            "labour_ability": "full", "poverty_status": "none", "employment_status": "seeking", **fields}


def probe(user, id_number=ZSF_ID):
    with pytest.raises(DuplicatePerson) as caught:
        actions.do_create_person(user, person_data(id_number))
    return caught.value


def all_audit_text() -> str:
    return json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False)


def test_a_probe_is_audited_with_the_number_masked(world):
    exc = probe(world.bob)
    assert not exc.visible and exc.messages[0] == "该身份证号已登记在您查看范围以外的台账中"
    entry = AuditEntry.objects.get(action=Action.DUPLICATE_PROBE)
    assert (entry.user, entry.object_type, entry.object_id, entry.field) == (
        world.bob, "registry.person", "", "id_number")
    assert entry.region_code == world.bob.region_id  # bob's auditor sees it
    assert entry.detail == {"id_number": ZSF_ID[:4] + "*" * 10 + ZSF_ID[-4:]}
    assert ZSF_ID not in all_audit_text() and ZSF_ID[4:14] not in all_audit_text()


def test_a_probe_typed_with_spaces_and_full_width_digits_is_masked_too(world):
    spaced = ZSF_ID[:6] + "\u3000" + ZSF_ID[6:14].translate({c: c + 0xFEE0 for c in range(48, 58)}) + " " + ZSF_ID[14:]
    probe(world.bob, spaced)
    assert AuditEntry.objects.filter(action=Action.DUPLICATE_PROBE).count() == 1
    assert ZSF_ID[4:14] not in all_audit_text()


def test_an_edit_to_a_number_registered_elsewhere_is_audited_on_the_record(world):
    with pytest.raises(DuplicatePerson):
        actions.do_update_person(world.bob, world.outsider_person, {"id_number": ZSF_ID})
    entry = AuditEntry.objects.get(action=Action.DUPLICATE_PROBE)
    assert entry.object_id == str(world.outsider_person.pk) and entry.region_code == "522631101001"


def test_the_limit_refuses_the_next_write_with_any_number(world, limit):
    for _ in range(limit):
        probe(world.bob)
    fresh = valid_id("522631", seq=99)
    with pytest.raises(ProbeLimited) as caught:
        actions.do_create_person(world.bob, person_data(fresh))  # a number on no ledger: refused all the same
    assert "60 分钟" in caught.value.messages[0] and "3 次" in caught.value.messages[0]
    assert not Person.objects.filter(name="试探").exists()
    refused = AuditEntry.objects.get(action=Action.PROBE_LIMITED)
    assert refused.user == world.bob and refused.detail["id_number"].startswith("5226*")
    assert AuditEntry.objects.filter(action=Action.DUPLICATE_PROBE).count() == limit
    # An edit that keeps the number, and edits of other fields, go on.
    actions.do_update_person(world.bob, world.outsider_person, {"notes": "正常修改"})
    actions.do_update_person(world.bob, world.outsider_person, {"id_number": valid_id("522631", seq=15)})
    with pytest.raises(ProbeLimited):
        actions.do_update_person(world.bob, world.outsider_person, {"id_number": fresh})


def test_probes_older_than_the_window_no_longer_count(world, limit):
    for _ in range(limit):
        probe(world.bob)
    AuditEntry.objects.filter(action=Action.DUPLICATE_PROBE).update(
        at=timezone.now() - datetime.timedelta(seconds=3601))
    probe(world.bob)


def test_another_user_is_not_affected(world, limit):
    for _ in range(limit):
        probe(world.bob)
    bea = User.objects.create_user("bea", password=PASSWORD, role=Role.HRSS_OFFICER, region_id="522631000000")
    probe(bea)
    assert actions.do_create_person(bea, person_data(valid_id("522631", seq=97))).pk


def test_duplicates_in_the_users_region_answer_as_before_and_are_not_probes(world, limit):
    for _ in range(limit + 1):
        exc = probe(world.alice)
        assert exc.visible and exc.existing == world.person
    assert not AuditEntry.objects.filter(action__in=[Action.DUPLICATE_PROBE, Action.PROBE_LIMITED]).exists()


def test_the_person_page_shows_the_refusal_and_the_limit(client, world, limit):
    client.login(username="bob", password=PASSWORD)
    data = {**person_data(ZSF_ID), "poverty_status": "none"}
    for _ in range(limit):
        body = client.post(reverse("person_create"), data).content.decode()
        assert "该身份证号已登记在您查看范围以外的台账中" in body
    body = client.post(reverse("person_create"), data).content.decode()
    assert "暂不能新增人员或修改身份证号" in body and "已登记在您查看范围以外的身份证号。" in body
    assert AuditEntry.objects.filter(action=Action.PROBE_LIMITED, user=world.bob).count() == 1


def test_the_api_answers_409_then_429(client, world, limit):
    token = ApiToken.issue(world.bob, "tests")[1]

    def post():
        return client.post("/api/people", json.dumps(person_data(ZSF_ID)), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")

    for _ in range(limit):
        response = post()
        assert response.status_code == 409 and response.json()["id"] is None
    response = post()
    assert response.status_code == 429
    assert "暂不能新增人员" in response.json()["detail"]
    assert AuditEntry.objects.filter(action=Action.DUPLICATE_PROBE, user=world.bob).count() == limit
    assert ZSF_ID not in all_audit_text()


def test_the_auditor_sees_the_probes(client, world):
    bob_in_alices_county = User.objects.create_user("cal", password=PASSWORD, role=Role.HRSS_OFFICER,
                                                    region_id="522633102000")
    make_person(world.admin, name="外县人", region_code="522631101001", seq=19, address="522631")
    with pytest.raises(DuplicatePerson):
        actions.do_create_person(bob_in_alices_county, person_data(valid_id("522631", seq=19),
                                                                   region_code="522633102001"))
    client.login(username="audrey", password=PASSWORD)
    body = client.get(reverse("audit_log")).content.decode()
    assert "查重：证件号已登记在查看范围以外" in body and "cal" in body
    masked = valid_id("522631", seq=19)[:4] + "*" * 10 + valid_id("522631", seq=19)[-4:]
    assert f"身份证号：{masked}" in body and "id_number" not in body
