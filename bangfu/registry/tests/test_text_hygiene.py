"""Text hygiene: no hidden characters in names, identifiers normalised alike on pages and API, one
date floor for surveys and follow-ups."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bangfu.accounts.models import ApiToken
from bangfu.conftest import valid_id
from bangfu.registry import actions
from bangfu.registry.identifiers import normalise_identifier
from bangfu.registry.models import Person

FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}
X_ID = "52263319910203002X"  # a valid number whose check character is X
HIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
          "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def spaced(number: str) -> str:
    return f"{number[:6]} {number[6:14]} {number[14:]}"


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


@pytest.fixture
def api(client, world):
    token = ApiToken.issue(world.alice, "tests")[1]

    def call(method, url, data):
        return getattr(client, method)(url, json.dumps(data), content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {token}")

    return call


def form_data(**fields):
    return {"name": "赵六", "relationship": "head", "labour_ability": "full", "poverty_status": "none",
            "employment_status": "seeking", "region_code": "522633101001", **fields}


def api_data(**fields):
    return {"name": "赵六", "region_code": "522633101001", **fields}


# --- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("char", HIDDEN)
def test_a_name_with_a_hidden_character_is_refused_naming_the_field(world, char):
    with pytest.raises(ValidationError) as caught:
        actions.do_create_person(world.alice, {**form_data(name=f"赵{char}六"), "id_number": valid_id(seq=41)})
    [message] = caught.value.message_dict["name"]
    assert message.startswith("姓名含有不可见的文字方向控制符或零宽字符")


def test_workplace_and_site_names_refuse_them_too_but_notes_keep_them(world):
    with pytest.raises(ValidationError) as caught:
        actions.do_update_person(world.alice, world.person, {
            "employment_status": "in_county", "employer_name": "\u202e司公限有", "notes": "好\u200d"})
    assert list(caught.value.message_dict) == ["employer_name"]
    assert caught.value.message_dict["employer_name"][0].startswith("就业单位/地点含有")
    with pytest.raises(ValidationError) as caught:
        actions.do_create_household(world.alice, {"region_code": "522633101001", "relocated": True,
                                                  "relocation_site": "幸福\u200b小区"})
    assert caught.value.message_dict["relocation_site"][0].startswith("安置点含有")
    actions.do_update_person(world.alice, world.person, {"notes": "👨\u200d👩\u200d👧 一家三口"})


def test_the_page_and_the_api_refuse_a_bidi_name(alice, api, world):
    body = alice.post(reverse("person_create"), form_data(name="赵\u202e六", id_number=valid_id(seq=41))).content
    assert "姓名含有不可见的文字方向控制符" in body.decode()
    response = api("post", "/api/people", api_data(name="赵\u2066六", id_number=valid_id(seq=41)))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"
    assert not Person.objects.filter(name__startswith="赵").exists()


# --- identifiers -----------------------------------------------------------------------------------

def test_identifiers_are_normalised_in_one_place():
    assert normalise_identifier(full_width("52263319910203002x")) == X_ID
    assert normalise_identifier("5226\u300033199\u200b10203 002X\ufeff") == X_ID
    assert normalise_identifier("\t138 1234\u00a05678\n") == "13812345678"
    assert normalise_identifier(None) == ""


@pytest.mark.parametrize("typed", [spaced(X_ID), full_width(spaced(X_ID)).replace(" ", "\u3000"),
                                   full_width(X_ID.lower())])
def test_the_page_takes_an_id_number_with_spaces_or_full_width(alice, typed):
    response = alice.post(reverse("person_create"), form_data(id_number=typed, phone=full_width("138 1234 5678")))
    assert response.status_code == 302, response.content.decode()[-3000:]
    person = Person.objects.get(name="赵六")
    assert Person.id_number.decrypt(person) == X_ID and Person.phone.decrypt(person) == "13812345678"


@pytest.mark.parametrize("typed", [spaced(X_ID), full_width(spaced(X_ID)).replace(" ", "\u3000"),
                                   full_width(X_ID.lower())])
def test_the_api_takes_the_same(api, world, typed):
    response = api("post", "/api/people", api_data(id_number=typed, phone=full_width("138 1234 5678")))
    assert response.status_code == 201, response.json()
    assert Person.id_number.decrypt(Person.objects.get(name="赵六")) == X_ID


def test_a_wrong_length_gets_the_rules_message_on_page_and_api(alice, api):
    body = alice.post(reverse("person_create"), form_data(id_number=spaced(X_ID) + "12")).content.decode()
    assert "身份证号应为 18 位，现为 20 位" in body
    response = api("post", "/api/people", api_data(id_number=X_ID + "12"))
    assert response.json()["detail"] == [{"field": "id_number", "message": "身份证号应为 18 位，现为 20 位"}]


def test_a_disability_card_in_full_width_is_taken_on_page_and_api(alice, api, world):
    card = full_width(valid_id(seq=11) + "41")
    url = reverse("person_edit", args=[world.person.pk])
    data = {k: v for k, v in alice.get(url).context["form"].initial.items() if v is not None}
    response = alice.post(url, {**data, "disability_card": card[:10] + "\u3000" + card[10:], "skills": []})
    assert response.status_code == 302, response.content.decode()[-3000:]
    world.person.refresh_from_db()
    assert (world.person.disability_category, world.person.disability_grade) == (4, 1)
    response = api("patch", f"/api/people/{world.person.pk}", {"disability_card": full_width(valid_id(seq=11) + "32")})
    assert response.status_code == 200, response.json()
    assert response.json()["disability_category"] == 3


# --- dates -----------------------------------------------------------------------------------------

def test_surveys_and_follow_ups_share_one_date_floor(alice, api, world):
    household = actions.do_create_household(world.alice, {"region_code": "522633101001"})
    floor = "不能早于 2000-01-01"
    body = alice.post(reverse("household_detail", args=[household.pk]),
                      {"done_on": "0001-01-01", "action": "contact", "note": "电话联系"}).content.decode()
    assert "跟进日期" + floor in body
    body = alice.post(reverse("survey_create", args=[world.person.pk]),
                      {"visited_on": "0001-01-01", "findings": "在家", "employment_status": "seeking",
                       "labour_ability": "full"}).content.decode()
    assert "走访日期" + floor in body
    response = api("post", f"/api/people/{world.person.pk}/surveys", {"visited_on": "0001-01-01", "findings": "在家"})
    assert response.json()["detail"] == [{"field": "visited_on", "message": "走访日期" + floor}]
    with pytest.raises(ValidationError, match="跟进日期" + floor):
        actions.do_record_follow_up(world.alice, household, done_on=datetime.date(1999, 12, 31), action="contact",
                                    note="电话联系")
    assert not household.follow_ups.exists() and not world.person.surveys.exists()
