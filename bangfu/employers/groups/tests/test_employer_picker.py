"""The employer picker of the site, cooperative and dispatch forms: a search among the employers the
user sees (by name or credit code), options by htmx, the same without JavaScript, the rules last."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.employers.groups import actions
from bangfu.employers.models import Cooperative, Site
from bangfu.employers.organisations.actions import do_bind_operator
from bangfu.employers.testing import make_employer, make_site

VILLAGE = "522633101001"
D = datetime.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def employers(world):
    return {
        "mine": make_employer(world.alice, VILLAGE, "从江绣娘服饰有限公司"),
        "near": make_employer(world.alice, "522633102001", "贯洞绣娘合作社"),
        "away": make_employer(world.bob, "522631101001", "黎平绣娘公司"),
    }


def _options(client, text: str) -> str:
    return client.get(reverse("employer_options"), {"employer_q": text}).content.decode()


def test_the_options_are_the_employers_the_user_sees_by_name_or_credit_code(world, employers):
    alice = _client(world.alice)
    found = _options(alice, "绣娘")
    assert "从江绣娘服饰有限公司" in found and "贯洞绣娘合作社" in found and "黎平绣娘公司" not in found
    by_code = _options(alice, employers["mine"].credit_code[:17].lower())
    assert f'value="{employers["mine"].pk}" selected' in by_code and "贯洞" not in by_code
    assert "没有找到与“黎平”匹配的单位" in _options(alice, "黎平")
    # A township officer sees his township's employers; an operator its own organisation.
    assert "贯洞绣娘合作社" not in _options(_client(world.tom), "绣娘")
    do_bind_operator(world.alice, employers["near"], world.ed)
    operator = _options(_client(world.ed), "绣娘")
    assert "贯洞绣娘合作社" in operator and "从江绣娘服饰有限公司" not in operator
    assert _client(world.sam).get(reverse("employer_options"), {"employer_q": "绣娘"}).status_code == 403


def test_the_form_searches_with_htmx_and_saves_the_employer_chosen(world, employers):
    client = _client(world.alice)
    page = client.get(reverse("site_create")).content.decode()
    assert f'hx-get="{reverse("employer_options")}"' in page and 'hx-target="#id_employer"' in page
    form = {"name": "绣娘基地", "kind": "employment_base", "level": "county", "region_code": VILLAGE,
            "employer_q": "绣娘", "employer": str(employers["mine"].pk)}
    assert client.post(reverse("site_create"), form).status_code == 302
    site = Site.objects.get()
    assert site.employer == employers["mine"]
    edit = client.get(reverse("site_edit", args=[site.pk])).content.decode()
    assert f'<option value="{employers["mine"].pk}" selected>从江绣娘服饰有限公司（' in edit


def test_without_javascript_a_search_shows_the_matches_and_saves_nothing(world, employers):
    client = _client(world.alice)
    form = {"name": "大塘劳务合作社", "region_code": VILLAGE, "employer_q": "绣娘", "employer": ""}
    response = client.post(reverse("cooperative_create"), form)
    page = response.content.decode()
    assert response.status_code == 200 and not Cooperative.objects.exists()
    assert "请在列表中选择与“绣娘”匹配的用人单位" in page
    assert f'<option value="{employers["near"].pk}">贯洞绣娘合作社' in page and "黎平绣娘公司" not in page
    nothing = client.post(reverse("cooperative_create"), {**form, "employer_q": "不存在的单位"}).content.decode()
    assert "没有找到与“不存在的单位”匹配的、您可查看的用人单位" in nothing
    # Chosen (the search left in the box): saved.
    saved = client.post(reverse("cooperative_create"), {**form, "employer": str(employers["near"].pk)})
    assert saved.status_code == 302 and Cooperative.objects.get().employer == employers["near"]
    # No search and no choice: a cooperative without a registered body.
    assert client.post(reverse("cooperative_create"), {**form, "name": "另一个", "employer_q": ""}
                       ).status_code == 302


def test_an_employer_out_of_sight_is_refused_by_the_rules(world, employers):
    client = _client(world.alice)
    response = client.post(reverse("site_create"), {
        "name": "基地", "kind": "employment_base", "level": "county", "region_code": VILLAGE,
        "employer": str(employers["away"].pk)})
    page = response.content.decode()
    assert response.status_code == 200 and "用人单位不存在或不在您的查看范围内" in page
    assert "黎平绣娘公司" not in page and not Site.objects.exists()


def test_a_dispatch_to_an_employer_picks_it(world, coop, employers):
    client = _client(world.alice)
    response = client.post(reverse("dispatch_create", args=[coop.pk]), {
        "destination": "employer", "employer_q": "从江绣娘", "employer": str(employers["mine"].pk),
        "start_date": "2025-03-01", "planned_months": "2", "people": [coop.second.pk]})
    assert response.status_code == 302
    dispatch = coop.dispatches.get()
    assert dispatch.employer == employers["mine"] and dispatch.destination_label == "从江绣娘服饰有限公司"
    edit = client.get(reverse("dispatch_edit", args=[dispatch.pk])).content.decode()
    assert f'<option value="{employers["mine"].pk}" selected>' in edit


def test_an_edit_keeps_the_employer_when_the_box_is_left_empty(world, employers):
    site = make_site(world.alice, VILLAGE, "基地", employer=employers["mine"].pk)
    actions.do_update_site(world.alice, site, {"note": "备注"})
    client = _client(world.alice)
    form = {"name": "基地", "kind": "employment_base", "level": "county", "region_code": VILLAGE,
            "employer_q": "", "employer": str(employers["mine"].pk), "version": "2"}
    response = client.post(reverse("site_edit", args=[site.pk]), {**form, "named_by": "县残联"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.employer == employers["mine"] and site.named_by == "县残联"
