"""The ledger's filters are declared once: pages, API and exports accept the same values and
answer a bad one with 400 and a message naming the filter, never a 500."""

import pytest
from django.urls import reverse

from bangfu.conftest import PASSWORD
from bangfu.registry import filters
from bangfu.registry.models import Person
from bangfu.registry.tests.test_api import Api

BAD = [("disability", "abc", "残疾类别"), ("region", "52a", "区划"), ("employment", "retired", "就业状态"),
       ("relocated", "yes", "易地扶贫搬迁"), ("gender", "X", "性别"), ("zero_employment", "2", "零就业家庭")]


@pytest.fixture
def alice(client, world):
    client.login(username="alice", password=PASSWORD)
    return client


@pytest.mark.parametrize(("name", "value", "label"), BAD)
def test_a_bad_filter_is_400_on_the_list_page_and_the_export(alice, name, value, label):
    for url in (reverse("person_list"), reverse("export", args=["people"])):
        response = alice.get(url, {name: value})
        assert response.status_code == 400
        assert label in response.content.decode()


@pytest.mark.parametrize(("name", "value", "label"), BAD)
def test_a_bad_filter_is_400_on_the_api(world, client, name, value, label):
    response = Api(client, world.alice).get("/api/people", **{name: value})
    assert response.status_code == 400
    assert name in response.json()["detail"]


def test_the_api_spec_offers_the_values_the_pages_accept(world, client):
    client.force_login(world.alice)
    spec = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p for p in spec["paths"]["/api/people"]["get"]["parameters"]}
    for name, declared in filters.PEOPLE.filters.items():
        if declared.choices:
            assert set(parameters[name]["schema"]["enum"]) == {v for v, _label in declared.choices}


def test_every_filter_narrows_the_same_way_everywhere(world, alice, client):
    api = Api(client, world.alice)
    for params in ({"region": "522633102"}, {"employment": "employed"}, {"poverty": "tuopin"},
                   {"labour": "1"}, {"gender": "M"}, {"q": "zsf"}):
        expected = sorted(filters.PEOPLE.apply(Person.objects.filter(region_code__startswith="522633"), params)
                          .values_list("name", flat=True))
        page = sorted(p.name for p in alice.get(reverse("person_list"), params).context["page"])
        from_api = sorted(p["name"] for p in api.get("/api/people", **params).json()["items"])
        assert page == from_api == expected, params


def test_an_empty_filter_is_no_filter(alice, world):
    response = alice.get(reverse("person_list"), {"disability": "", "region": ""})
    assert response.status_code == 200
    assert len(response.context["page"]) == 2
