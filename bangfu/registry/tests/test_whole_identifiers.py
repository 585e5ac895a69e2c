"""A whole identifier typed in (a search, a duplicate on registration) confirms it: it is a reveal."""

import json

from django.test import Client
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import valid_id

ZSF_ID = valid_id(seq=11)  # world.person, 张三丰
PHONE = "13812345678"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'tests')[1]}")


def test_a_surveyor_cannot_search_by_a_whole_id_number_or_phone(world):
    pages, api = _logged_in(world.sam), _api(world.sam)
    for whole in (ZSF_ID, PHONE):
        response = pages.get(reverse("person_list"), {"q": whole})
        assert response.status_code == 400
        assert "后四位" in response.content.decode()
        response = api.get("/api/people", {"q": whole})
        assert response.status_code == 400 and "后四位" in response.json()["detail"]
    assert "张三丰" in pages.get(reverse("person_list"), {"q": ZSF_ID[-4:]}).content.decode()
    assert not AuditEntry.objects.filter(action=Action.REVEAL).exists()


def test_an_officers_search_by_a_whole_id_number_is_written_as_a_reveal(world):
    body = _logged_in(world.alice).get(reverse("person_list"), {"q": ZSF_ID}).content.decode()
    assert "张三丰" in body
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.object_id, entry.field) == ("alice", str(world.person.pk), "id_number")
    assert entry.detail == {"reason": "按完整号码查找"}
    # A number that finds no one reveals nothing.
    _api(world.alice).get("/api/people", {"q": valid_id(seq=99)})
    assert AuditEntry.objects.filter(action=Action.REVEAL).count() == 1


def test_an_export_by_a_whole_id_number_keeps_it_masked_in_the_audit_log(world):
    response = _logged_in(world.alice).get(reverse("export", args=["people"]), {"q": ZSF_ID})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.detail["filters"] == {"q": world.person.id_number_masked}
    assert ZSF_ID not in json.dumps(entry.detail)
    assert AuditEntry.objects.filter(action=Action.REVEAL, object_id=str(world.person.pk)).exists()
    log = _logged_in(world.audrey).get(reverse("audit_log")).content.decode()
    assert ZSF_ID not in log and world.person.id_number_masked in log


def test_a_duplicate_that_names_the_person_on_file_is_written_as_a_reveal(world):
    data = {"name": "重复", "id_number": ZSF_ID, "region_code": "522633101001"}
    response = _api(world.alice).post("/api/people", json.dumps(data), content_type="application/json")
    assert response.status_code == 409
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.object_id, entry.detail) == ("alice", str(world.person.pk),
                                                               {"reason": "登记时号码重复"})
    _logged_in(world.alice).post(reverse("person_create"), {
        **data, "relationship": "head", "labour_ability": "full", "poverty_status": "none",
        "employment_status": "seeking"})
    assert AuditEntry.objects.filter(action=Action.REVEAL).count() == 2
    # bob learns only that the number is taken somewhere, not whose it is: nothing is revealed.
    data["region_code"] = "522631101001"
    assert _api(world.bob).post("/api/people", json.dumps(data), content_type="application/json").status_code == 409
    assert AuditEntry.objects.filter(action=Action.REVEAL).count() == 2
