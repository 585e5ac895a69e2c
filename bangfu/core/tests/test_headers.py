"""Every response carries the Content-Security-Policy; none that may hold personal data is cached."""

import pytest
from django.test import Client
from django.urls import reverse

from bangfu.accounts.models import ApiToken


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _no_inline(policy: str) -> dict[str, str]:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for directive in ("script-src", "style-src"):
        assert directives[directive] == "'self'", directives
    return directives


def test_pages_exports_and_reveals_are_not_stored_and_allow_no_inline_script(world):
    client = _client(world.alice)
    responses = [
        client.get(reverse("home")),
        client.get(reverse("person_list")),
        client.get(reverse("person_detail", args=[world.person.pk])),
        client.post(reverse("person_reveal", args=[world.person.pk, "id_number"])),
        client.get(reverse("export", args=["people"])),
        client.get(reverse("zero_employment")),
        client.get("/people/no-such-page/"),
        Client().get(reverse("login")),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"], (response.request["PATH_INFO"], response["Cache-Control"])
        directives = _no_inline(response["Content-Security-Policy"])
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.parametrize("path", ["/api/me", "/api/people", "/api/no-such-thing"])
def test_api_answers_are_not_stored(world, path):
    token = ApiToken.issue(world.alice, "tests")[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(path)
    assert response["Cache-Control"] == "no-store"
    _no_inline(response["Content-Security-Policy"])


def test_static_files_may_be_cached(db):
    response = Client().get("/static/bangfu/bangfu.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_pages_hold_no_inline_script_or_style(world):
    body = _client(world.alice).get(reverse("person_detail", args=[world.person.pk])).content.decode()
    assert "<script>" not in body and " style=" not in body and " onchange=" not in body
    assert '"includeIndicatorStyles": false' in body   # htmx would add a <style> the policy refuses
