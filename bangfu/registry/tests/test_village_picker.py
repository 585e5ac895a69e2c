"""The township → village picker of the person and household forms, and a village change on a
person in a household: refused with the reason, never reported as saved."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bangfu.conftest import make_person
from bangfu.registry.models import Household

DATANG, BASHA, GANTUAN = "522633101001", "522633101002", "522633102001"
BINGMEI, GUANDONG = "522633101000", "522633102000"


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


@pytest.fixture
def member(world):
    household = Household.objects.create(number="5226331010010001", region_code=DATANG)
    return make_person(world.alice, name="户内人", seq=31, household=household)


def _form_data(client, url, **changes):
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(skills=[], **changes)
    return data


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_refuses_a_village_change_on_a_household_member_and_says_why(alice, member):
    url = reverse("person_edit", args=[member.pk])
    response = alice.post(url, _form_data(alice, url, township=BINGMEI, region_code=BASHA))
    assert response.status_code == 200
    body = response.content.decode()
    assert "所在村随家庭户（户编号 5226331010010001）" in body
    assert reverse("household_edit", args=[member.household.pk]) in body
    assert "已保存" not in _messages(response)
    member.refresh_from_db()
    assert member.region_code == DATANG


def test_it_keeps_the_household_village_when_the_form_posts_it_back(alice, member):
    url = reverse("person_edit", args=[member.pk])
    response = alice.post(url, _form_data(alice, url, name="户内人改"))
    assert response.status_code == 302
    assert _messages(response) == ["已保存"]
    member.refresh_from_db()
    assert member.name == "户内人改" and member.region_code == DATANG


def test_an_edit_that_changes_nothing_is_not_reported_as_saved(alice, member):
    url = reverse("person_edit", args=[member.pk])
    response = alice.post(url, _form_data(alice, url))
    assert response.status_code == 302
    assert _messages(response) == ["没有修改，未保存"]


def test_the_person_form_offers_the_household_move(alice, member, world):
    body = alice.get(reverse("person_edit", args=[member.pk])).content.decode()
    assert "所在村随家庭户 5226331010010001" in body
    assert reverse("household_edit", args=[member.household.pk]) in body
    assert "所在村随家庭户" not in alice.get(reverse("person_edit", args=[world.person.pk])).content.decode()


def test_the_picker_lists_the_townships_and_the_villages_of_the_current_one(alice, world):
    form = alice.get(reverse("person_edit", args=[world.person.pk])).context["form"]
    assert [code for code, _ in form.fields["township"].choices] == ["", BINGMEI, GUANDONG]
    assert form["township"].value() == BINGMEI
    villages = [code for code, _ in form.fields["region_code"].widget.choices]
    assert villages == ["", DATANG, BASHA]
    assert form["township"].field.widget.attrs["hx-get"] == reverse("village_options")


def test_without_javascript_a_new_township_rerenders_with_its_villages_and_saves_nothing(alice, world):
    url = reverse("person_edit", args=[world.person.pk])
    response = alice.post(url, _form_data(alice, url, township=GUANDONG))  # village still 大塘村
    assert response.status_code == 200
    assert "请在所选乡镇的村中选择所在村" in response.content.decode()
    villages = [code for code, _ in response.context["form"].fields["region_code"].widget.choices]
    assert villages == ["", GANTUAN]
    world.person.refresh_from_db()
    assert world.person.region_code == DATANG
    response = alice.post(url, _form_data(alice, url, township=GUANDONG, region_code=GANTUAN))
    assert response.status_code == 302
    world.person.refresh_from_db()
    assert world.person.region_code == GANTUAN


def test_a_township_alone_on_a_new_household_asks_for_the_village(alice, world):
    response = alice.post(reverse("household_create"), {"township": GUANDONG, "region_code": "",
                                                        "poverty_status": "none"})
    assert response.status_code == 200
    assert [c for c, _ in response.context["form"].fields["region_code"].widget.choices] == ["", GANTUAN]
    assert not Household.objects.exists()


def test_the_household_form_moves_the_household_with_the_picker(alice, member):
    url = reverse("household_edit", args=[member.household.pk])
    form = alice.get(url).context["form"]
    assert form["township"].value() == BINGMEI
    data = {k: v for k, v in form.initial.items() if v is not None}
    response = alice.post(url, {**data, "township": GUANDONG, "region_code": GANTUAN})
    assert response.status_code == 302 and _messages(response) == ["已保存"]
    member.refresh_from_db()
    assert member.region_code == GANTUAN
    alice.get(response.url)  # the message is read
    response = alice.post(url, {**data, "township": GUANDONG, "region_code": GANTUAN})
    assert _messages(response) == ["没有修改，未保存"]


def test_the_village_options_are_those_of_the_township_within_reach(client, world):
    client.force_login(world.alice)
    body = client.get(reverse("village_options"), {"township": BINGMEI}).content.decode()
    assert DATANG in body and BASHA in body and GANTUAN not in body
    assert "<option" in client.get(reverse("village_options"), {"township": "bad"}).content.decode()
    assert DATANG not in client.get(reverse("village_options"), {"township": "bad"}).content.decode()
    client.force_login(world.bob)
    assert DATANG not in client.get(reverse("village_options"), {"township": BINGMEI}).content.decode()
    client.force_login(world.sam)
    assert client.get(reverse("village_options"), {"township": BINGMEI}).status_code == 403
