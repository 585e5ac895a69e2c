"""The REST API under /api/: authentication, scoping, masking, writes, lists and history."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from bangfu.accounts.models import ApiToken
from bangfu.audit.models import Action, AuditEntry
from bangfu.conftest import make_person, valid_id
from bangfu.registry import actions
from bangfu.registry.models import Person, Survey

ZSF_ID = valid_id(seq=11)  # world.person, 张三丰
PHONE = "13812345678"


class Api:
    """The API as one user sees it, through a bearer token."""

    def __init__(self, client: Client, user):
        self.client = client
        self.token = ApiToken.issue(user, "tests")[1] if user is not None else None

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, url, **params):
        return self.client.get(url, params, **self._headers())

    def post(self, url, data, **headers):
        return self.client.post(url, json.dumps(data), content_type="application/json",
                                **self._headers(), **headers)

    def patch(self, url, data, **headers):
        return self.client.patch(url, json.dumps(data), content_type="application/json",
                                 **self._headers(), **headers)


@pytest.fixture
def as_user(client):
    return lambda user: Api(client, user)


def new_person(**fields):
    return {"name": "陈七", "id_number": valid_id(seq=41), "region_code": "522633101001", **fields}


# --- authentication ----------------------------------------------------------------------------

def test_it_refuses_requests_without_credentials(world, client):
    response = client.get("/api/people")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.json()["detail"]


def test_it_refuses_a_bad_token(world, client):
    assert client.get("/api/people", HTTP_AUTHORIZATION="Bearer bf_not-a-token").status_code == 401
    assert client.get("/api/people", HTTP_AUTHORIZATION="Basic YWxpY2U6cHc=").status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(world, as_user):
    api = as_user(world.alice)
    world.alice.is_active = False
    world.alice.save()
    assert api.get("/api/people").status_code == 401


def test_it_notes_when_a_token_was_last_used_at_most_once_a_minute(world, as_user):
    api = as_user(world.alice)
    assert api.get("/api/me").json()["username"] == "alice"
    token = ApiToken.objects.get(user=world.alice)
    first = token.last_used_at
    assert first is not None
    api.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    api.get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=1)


def test_a_logged_in_session_works_and_writes_need_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.alice)
    assert browser.get("/api/people").status_code == 200
    body = json.dumps({"field": "phone"})
    url = f"/api/people/{world.person.pk}/reveal"
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    secret = "csrfsecretcsrfsecretcsrfsecret12"  # any 32 letters and digits; the page would set it
    browser.cookies["csrftoken"] = secret
    response = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 200
    assert response.json()["value"] == PHONE


def test_me_tells_the_caller_who_they_are(world, as_user):
    me = as_user(world.sam).get("/api/me").json()
    assert (me["username"], me["role"], me["region_code"]) == ("sam", "surveyor", "522633101001")
    assert me["permissions"] == ["record_survey", "view_ledger"]


# --- scoping -----------------------------------------------------------------------------------

def test_people_outside_the_region_are_not_found(world, as_user):
    bob = as_user(world.bob)
    outside = bob.get(f"/api/people/{world.person.pk}")
    absent = bob.get("/api/people/999999")
    assert outside.status_code == absent.status_code == 404
    assert outside.json() == absent.json()
    assert bob.get(f"/api/people/{world.outsider_person.pk}").status_code == 200


def test_the_list_holds_only_the_callers_region(world, as_user):
    ids = [p["id"] for p in as_user(world.bob).get("/api/people").json()["items"]]
    assert ids == [world.outsider_person.pk]
    ids = [p["id"] for p in as_user(world.alice).get("/api/people").json()["items"]]
    assert set(ids) == {world.person.pk, world.other_village_person.pk}
    assert [p["id"] for p in as_user(world.sam).get("/api/people").json()["items"]] == [world.person.pk]


def test_roles_without_the_ledger_get_403(world, as_user):
    ed = as_user(world.ed)
    assert ed.get("/api/people").status_code == 403
    assert ed.get(f"/api/people/{world.person.pk}").status_code == 403
    assert ed.get("/api/me").status_code == 200


def test_a_surveyor_records_surveys_in_his_village_only(world, as_user):
    sam = as_user(world.sam)
    survey = {"visited_on": "2026-01-05", "findings": "在县城制衣厂上班", "employment_status": "in_county",
              "employer_name": "县城制衣厂", "skills": ["缝纫"]}
    response = sam.post(f"/api/people/{world.person.pk}/surveys", survey)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["surveyor"] == "sam"
    assert body["changes"]["employment_status"] == ["seeking", "in_county"]
    world.person.refresh_from_db()
    assert world.person.employment_status == "in_county"
    assert list(world.person.skills.values_list("name", flat=True)) == ["缝纫"]
    assert sam.post(f"/api/people/{world.other_village_person.pk}/surveys", survey).status_code == 404
    assert Survey.objects.count() == 1


def test_a_surveyor_cannot_edit_people(world, as_user):
    response = as_user(world.sam).patch(f"/api/people/{world.person.pk}", {"name": "改名"})
    assert response.status_code == 403
    world.person.refresh_from_db()
    assert world.person.name == "张三丰"


def test_a_survey_cannot_be_dated_in_the_future(world, as_user):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = as_user(world.sam).post(f"/api/people/{world.person.pk}/surveys",
                                       {"visited_on": tomorrow, "findings": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "visited_on"


# --- masking and reveal ------------------------------------------------------------------------

def test_identifiers_are_masked_in_lists_and_details(world, as_user):
    actions.do_update_person(world.alice, world.person, {"disability_card": ZSF_ID + "41"})
    api = as_user(world.alice)
    for url in ("/api/people", f"/api/people/{world.person.pk}", "/api/people?q=zsf"):
        body = api.get(url).content.decode()
        assert ZSF_ID not in body and PHONE not in body
        assert ZSF_ID[:4] + "*" * 10 + ZSF_ID[-4:] in body
        assert "138****5678" in body
    detail = api.get(f"/api/people/{world.person.pk}").json()
    assert detail["disability_card_masked"].endswith("41")
    assert not any(key.endswith(("_enc", "_hash")) for key in detail)


def test_reveal_gives_the_full_number_and_writes_the_audit_log(world, as_user):
    response = as_user(world.alice).post(f"/api/people/{world.person.pk}/reveal", {"field": "id_number"})
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": ZSF_ID}
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert (entry.username, entry.field, entry.object_id) == ("alice", "id_number", str(world.person.pk))


def test_reveal_is_refused_to_surveyors_and_outsiders(world, as_user):
    url = f"/api/people/{world.person.pk}/reveal"
    assert as_user(world.sam).post(url, {"field": "id_number"}).status_code == 403
    assert as_user(world.bob).post(url, {"field": "id_number"}).status_code == 404
    assert as_user(world.alice).post(url, {"field": "id_number_enc"}).status_code == 422
    assert not AuditEntry.objects.filter(action=Action.REVEAL).exists()


# --- writes ------------------------------------------------------------------------------------

def test_it_creates_a_person(world, as_user):
    response = as_user(world.alice).post("/api/people", new_person(phone="13900001111", skills=["刺绣", "直播带货"]))
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert (person.name, person.name_initials, body["gender"]) == ("陈七", "cq", "M")
    assert body["skills"] == sorted(["刺绣", "直播带货"])
    assert body["phone_masked"] == "139****1111"
    assert "13900001111" not in response.content.decode()
    assert AuditEntry.objects.filter(action=Action.CREATE, object_id=str(person.pk)).exists()


def test_a_known_id_number_answers_409_with_the_person_on_file(world, as_user):
    response = as_user(world.alice).post("/api/people", new_person(id_number=ZSF_ID))
    assert response.status_code == 409
    body = response.json()
    assert body["id"] == world.person.pk
    assert body["url"] == f"/api/people/{world.person.pk}"
    assert "张三丰" in body["detail"]
    # Someone outside the region learns only that the number is taken, not whose it is.
    response = as_user(world.bob).post("/api/people", new_person(id_number=ZSF_ID, region_code="522631101001"))
    assert response.status_code == 409 and "张三丰" not in response.json()["detail"]
    assert response.json()["id"] is None and response.json()["url"] is None


def test_validation_errors_name_the_field_in_chinese(world, as_user):
    bad_check_digit = ZSF_ID[:17] + ("0" if ZSF_ID[17] != "0" else "1")
    response = as_user(world.alice).post("/api/people", new_person(id_number=bad_check_digit))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "id_number"
    assert "校验码" in error["message"]


def test_messages_follow_the_language_cookie(world, as_user, settings):
    api = as_user(world.alice)
    api.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # override() puts the test's language back afterwards: the middleware leaves "en" active.
    with translation.override("zh-hans"):
        response = api.post("/api/people", {"name": "", "id_number": ZSF_ID[:10]})
    messages = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert messages["name"].isascii() and messages["id_number"].isascii()


def test_malformed_bodies_get_422_and_malformed_queries_400(world, as_user):
    api = as_user(world.alice)
    response = api.post("/api/people", {"name": "x" * 51, "id_number": ZSF_ID, "relocated": "yes", "extra": 1})
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert errors == {"name": "不能超过 50 个字", "relocated": "应为 true 或 false", "extra": "不是可接受的字段"}
    response = api.get("/api/people", page_size=201)
    assert (response.status_code, response.json()) == (400, {"detail": "page_size: 不能大于 200"})
    response = api.client.post("/api/people", "{", content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_a_household_elsewhere_reads_as_absent(world, as_user):
    theirs = actions.do_create_household(world.bob, {"region_code": "522631101001"})
    response = as_user(world.alice).post("/api/people", new_person(household_id=theirs.pk))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "household_id", "message": "家庭户不存在"}]


def test_patch_changes_only_the_fields_sent(world, as_user):
    api = as_user(world.alice)
    response = api.patch(f"/api/people/{world.person.pk}", {"wish_jobs": "保安", "wish_pay": 3000})
    assert response.status_code == 200, response.content
    world.person.refresh_from_db()
    assert (world.person.wish_jobs, world.person.wish_pay, world.person.phone_tail) == ("保安", 3000, "5678")
    response = api.patch(f"/api/people/{world.person.pk}", {"phone": None, "education": ""})
    assert response.json()["phone_masked"] == ""
    assert as_user(world.bob).patch(f"/api/people/{world.person.pk}", {"name": "x"}).status_code == 404


def test_a_person_moves_into_a_household(world, as_user):
    household = actions.do_create_household(world.alice, {"region_code": "522633102001"})
    response = as_user(world.alice).patch(f"/api/people/{world.person.pk}", {"household_id": household.pk})
    body = response.json()
    assert (body["household_id"], body["household_number"], body["region_code"]) == (
        household.pk, household.number, "522633102001")


# --- lists -------------------------------------------------------------------------------------

@pytest.fixture
def crowd(world):
    """Five more people in 大塘村, with different statuses."""
    statuses = ["in_county", "out_province", "seeking", "public_welfare", "in_county"]
    return [make_person(world.alice, name=f"村民{i}", seq=101 + 2 * i, employment_status=status,
                        birth=datetime.date(1990, 1, 1 + i))
            for i, status in enumerate(statuses)]


def test_lists_are_paged(world, as_user, crowd):
    api = as_user(world.alice)
    first = api.get("/api/people", page_size=3).json()
    assert (first["count"], first["page"], first["page_size"], len(first["items"])) == (7, 1, 3, 3)
    last = api.get("/api/people", page_size=3, page=3).json()
    assert len(last["items"]) == 1
    beyond = api.get("/api/people", page_size=3, page=9).json()
    assert beyond["items"] == [] and beyond["count"] == 7
    everyone = [p["id"] for page in (1, 2, 3) for p in api.get("/api/people", page_size=3, page=page).json()["items"]]
    assert len(set(everyone)) == 7


def test_lists_filter_like_the_pages(world, as_user, crowd):
    api = as_user(world.alice)

    def names(**params):
        return sorted(p["name"] for p in api.get("/api/people", **params).json()["items"])

    assert names(employment="in_county") == ["村民0", "村民4"]
    assert names(employment="employed") == ["村民0", "村民1", "村民3", "村民4"]
    assert names(region="522633102") == ["李四"]
    assert names(region="522633102", employment="seeking") == ["李四"]
    assert names(gender="F") == []
    assert api.get("/api/people", employment="retired").status_code == 400
    assert api.get("/api/people", region="52a").status_code == 400


def test_search_by_pinyin_initials(world, as_user):
    api = as_user(world.alice)
    assert [p["name"] for p in api.get("/api/people", q="zsf").json()["items"]] == ["张三丰"]
    assert [p["name"] for p in api.get("/api/people", q=ZSF_ID[-4:]).json()["items"]] == ["张三丰"]
    assert [p["name"] for p in api.get("/api/people", q=ZSF_ID).json()["items"]] == ["张三丰"]
    assert api.get("/api/people", q="ww").json()["count"] == 0  # 王五 is in bob's county


def test_the_list_takes_the_same_number_of_queries_for_more_people(world, as_user, crowd,
                                                                   django_assert_max_num_queries):
    api = as_user(world.alice)
    api.get("/api/me")  # the token's last_used_at is written once; the lists below only read
    for person in crowd:
        actions.set_skills(person, ["种植", "养殖"])
    # token lookup, count, the page's ids, its rows, skills of the page
    with django_assert_max_num_queries(5):
        assert len(api.get("/api/people").json()["items"]) == 7


def test_surveys_list_filters_by_person(world, as_user):
    for person in (world.person, world.other_village_person):
        actions.do_record_survey(world.alice, person, visited_on=datetime.date(2026, 1, 5), findings="走访",
                                 data={})
    api = as_user(world.alice)
    assert api.get("/api/surveys").json()["count"] == 2
    only = api.get("/api/surveys", person=world.person.pk).json()["items"]
    assert [s["person_id"] for s in only] == [world.person.pk]
    assert as_user(world.bob).get("/api/surveys").json()["count"] == 0


# --- households --------------------------------------------------------------------------------

def test_households_are_created_edited_and_shown_with_members(world, as_user):
    api = as_user(world.alice)
    response = api.post("/api/households", {"region_code": "522633101001", "address": "大塘村 3 组"})
    assert response.status_code == 201, response.content
    household = response.json()
    assert household["number"] == "5226331010010001"
    api.patch(f"/api/people/{world.person.pk}", {"household_id": household["id"]})
    response = api.patch(f"/api/households/{household['id']}", {"relocated": True, "relocation_site": "城东安置点"})
    assert response.status_code == 200, response.content
    detail = api.get(f"/api/households/{household['id']}").json()
    assert (detail["relocated"], detail["address"], detail["head_name"]) == (True, "大塘村 3 组", "张三丰")
    assert [m["name"] for m in detail["members"]] == ["张三丰"]
    assert ZSF_ID not in json.dumps(detail)
    assert api.get("/api/households", relocated="1").json()["count"] == 1
    assert as_user(world.bob).get(f"/api/households/{household['id']}").status_code == 404


def test_household_rules_answer_422(world, as_user):
    api = as_user(world.alice)
    response = api.post("/api/households", {"region_code": "522633101001", "poverty_status": "monitored"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "monitoring_category", "message": "监测对象须选择监测类型"}]
    response = api.post("/api/households", {"region_code": "522633101000"})  # a township, not a village
    assert [e["field"] for e in response.json()["detail"]] == ["region_code"]
    assert as_user(world.alice).post("/api/households", {"region_code": "522631101001"}).status_code == 403
    assert as_user(world.sam).post("/api/households", {"region_code": "522633101001"}).status_code == 403


# --- history -----------------------------------------------------------------------------------

def test_history_shows_who_changed_what_without_identifiers(world, as_user):
    api = as_user(world.alice)
    api.patch(f"/api/people/{world.person.pk}", {"wish_jobs": "保安", "phone": "13999998888"})
    response = api.get(f"/api/people/{world.person.pk}/history")
    assert response.status_code == 200
    latest = response.json()[0]
    assert latest["user"] == "alice"
    changes = {c["field"]: c for c in latest["changes"]}
    assert (changes["wish_jobs"]["old"], changes["wish_jobs"]["new"]) == ("—", "保安")
    assert changes["phone"]["new"] == "已更改"
    body = response.content.decode()
    for secret in ("13999998888", PHONE, ZSF_ID):
        assert secret not in body
    assert "_enc" not in body
    assert as_user(world.sam).get(f"/api/people/{world.person.pk}/history").status_code == 403
    assert as_user(world.bob).get(f"/api/people/{world.person.pk}/history").status_code == 404


# --- regions -----------------------------------------------------------------------------------

def test_region_children_carry_the_callers_counts(world, as_user):
    children = as_user(world.alice).get("/api/regions/522633000000/children").json()
    assert [(c["name"], c["figures"]["people"]) for c in children] == [("丙妹镇", 1), ("贯洞镇", 1)]
    # Regions are public to any caller; the counts are not.
    children = as_user(world.bob).get("/api/regions/522633000000/children").json()
    assert [(c["name"], c["figures"]["people"]) for c in children] == [("丙妹镇", 0), ("贯洞镇", 0)]
    region = as_user(world.sam).get("/api/regions/522633101000").json()
    assert (region["full_name"], region["figures"]["people"]) == ("贵州省黔东南苗族侗族自治州从江县丙妹镇", 1)
    assert as_user(world.alice).get("/api/regions/522633101001/children").json() == []


def test_unknown_or_malformed_region_codes(world, as_user):
    api = as_user(world.alice)
    assert api.get("/api/regions/110000000000").status_code == 404
    assert api.get("/api/regions/5226").status_code == 422


def test_the_spec_and_docs_are_served(world, client):
    client.force_login(world.alice)  # the spec and docs are for users with API access
    spec = client.get("/api/openapi.json").json()
    assert "/api/people/{person_id}/reveal" in spec["paths"]
    assert spec["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert client.get("/api/docs").status_code == 200
