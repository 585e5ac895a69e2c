"""The scope matrix, generated: every scoped model × every role × every surface it is read on.

Apps register, per scoped model, where users read its records (`core.plugins.Surfaces`: its page,
its API detail, its further pages and endpoints such as history and edit form, the list page, the
API list, the export) and, in `bangfu/<app>/testing.py`, a
factory that makes one record in a given village (`FACTORIES = {Model: make(creator, village, tag)}`).
From these alone each case makes a record inside the user's reach and records outside it, then reads
the surface as that user:

- outside: the record's pages and API endpoints answer exactly as for a record that does not exist
  (404, or the role's 403 when it may not read the model at all), and no list, API list or export
  holds it;
- inside: the record is shown exactly when the role holds the surface's permission (the export's
  own permission for an export), and otherwise the surface answers 403/404 or leaves it out;
- narrowed: a role that an app narrows for the model (`core.permissions.narrow`) gets a record of
  the inside village that the narrowing leaves out (made by `NARROWED_OUT[Model]` in the app's
  testing module) exactly as one outside its region, while every other role reaching the village
  is shown it like the inside record.

A scoped model without surfaces or without a factory fails here, loudly.

The world and the records (one per model and village) are made once per module and worker, in a
transaction rolled back at the end; each case runs in a savepoint of it, as any test does.
"""

import functools
import importlib
import io
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken, Role
from bangfu.conftest import TEST_FIELD_KEY, build_world
from bangfu.core import plugins
from bangfu.core.permissions import has_perm, narrowed_roles, narrowing_of, scoped_models

# The world's user of each role (bangfu/conftest.py).
ROLE_USERS = {
    Role.ADMIN: "admin", Role.HRSS_OFFICER: "alice", Role.DPF_OFFICER: "dora", Role.TOWNSHIP_OFFICER: "tom",
    Role.SURVEYOR: "sam", Role.EMPLOYER: "ed", Role.AUDITOR: "audrey",
}
INSIDE = "522633101001"  # 大塘村: sam's village, in tom's township and in the county of the county roles
BOB_COUNTY = "522631101001"  # 高屯村, 黎平县
# Villages outside each user's reach: bob's county for everyone, and for the roles below the county
# the nearest village they do not reach.
OUTSIDE = {
    "admin": (),
    "alice": (BOB_COUNTY,), "dora": (BOB_COUNTY,), "audrey": (BOB_COUNTY,), "ed": (BOB_COUNTY,),
    "tom": ("522633102001", BOB_COUNTY),  # 干团村, another township of the county
    "sam": ("522633101002", BOB_COUNTY),  # 岜沙村, the neighbouring village
}
# Who reaches the inside village at all: an employer operator reaches only his own organisation's records.
REACHES_INSIDE = {"admin", "alice", "dora", "audrey", "tom", "sam"}
VILLAGES = (INSIDE, "522633101002", "522633102001", BOB_COUNTY)
KINDS = ("page", "api", "list_page", "api_list", "export")


def _kinds(model) -> list[str]:
    declared = plugins.surfaces().get(model)
    if declared is None:
        return ["unregistered"]
    kinds = [kind for kind in KINDS if getattr(declared, kind)] + [name for name, _perm in declared.more]
    return kinds or ["unregistered"]


def _find_factory(model):
    """(the model's factory or None, its test-support module's name, whether that module exists)."""
    module_name = f"{model._meta.app_config.name}.testing"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None, module_name, False
    return getattr(module, "FACTORIES", {}).get(model), module_name, True


def _find_narrowed_out(model):
    module_name = f"{model._meta.app_config.name}.testing"
    try:
        return getattr(importlib.import_module(module_name), "NARROWED_OUT", {}).get(model)
    except ModuleNotFoundError:
        return None


def _factory(model):
    factory, module_name, exists = _find_factory(model)
    if not exists:
        pytest.fail(f"{model.__name__} is scoped but {module_name} does not exist: add it with "
                    f"FACTORIES = {{{model.__name__}: make(creator, village, tag)}}")
    if factory is None:
        pytest.fail(f"{model.__name__} is scoped but {module_name}.FACTORIES has no factory for it")
    return factory


def _tag(model, village: str) -> str:
    """A text unique to one record, none holding another (each factory puts it where shown_as finds it)."""
    return f"矩阵{'甲乙丙丁'[VILLAGES.index(village)]}{_index(model):02d}"


def _index(model) -> int:
    return list(scoped_models()).index(model)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world, and a record of every scoped model (that has a factory) in every village, made
    once in a transaction that is rolled back after the module's last case."""
    outer = transaction.atomic()

    def roll_back():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)

    with django_db_blocker.unblock(), override_settings(
            FIELD_KEY=TEST_FIELD_KEY, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer.__enter__()
        try:
            world = build_world()
            records = {}
            for model in scoped_models():
                make = _find_factory(model)[0]
                for village in VILLAGES if make is not None else ():  # without one its cases fail
                    records[model, village] = make(world.admin, village, _tag(model, village))
                make_out = _find_narrowed_out(model)
                if make_out is not None:
                    records[model, "narrowed"] = make_out(world.admin, INSIDE, f"矩阵戊{_index(model):02d}")
        except BaseException:
            roll_back()
            raise
    yield world, records
    with django_db_blocker.unblock():
        roll_back()


CASES = [
    pytest.param(model, username, kind, id=f"{model.__name__}-{role}-{kind}")
    for model in scoped_models()
    for role, username in ROLE_USERS.items()
    for kind in _kinds(model)
]


def test_every_role_has_a_user_in_the_matrix():
    assert set(ROLE_USERS) == set(Role), "add the new role's test user to ROLE_USERS and OUTSIDE"
    assert set(OUTSIDE) == set(ROLE_USERS.values())


@pytest.mark.parametrize("model", list(scoped_models()), ids=lambda model: model.__name__)
def test_every_scoped_model_declares_its_surfaces_and_a_factory(model):
    declared = plugins.surfaces().get(model)
    assert declared is not None, (f"{model.__name__} is scoped but no app declares its Surfaces "
                                  "(core.plugins.App.surfaces)")
    assert _kinds(model) != ["unregistered"], f"{model.__name__}'s Surfaces names no page, API, list or export"
    if declared.export:
        assert declared.export in plugins.exports(), f"{declared.export} is not a registered export"
    _factory(model)
    if narrowed_roles(model):
        assert _find_narrowed_out(model) is not None, (
            f"{model.__name__} is narrowed for a role but {model._meta.app_config.name}.testing.NARROWED_OUT "
            "has no factory of a record the narrowing leaves out")


# --- reading a surface as a user --------------------------------------------------------------

class Reader:
    """A user at the pages (logged in) and at the API (bearer token), each opened when first used."""

    def __init__(self, user):
        self.user = user

    @functools.cached_property
    def pages(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client

    @functools.cached_property
    def api(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(self.user, 'matrix')[1]}")

    def page(self, url):
        return self.pages.get(url)

    def api_get(self, url):
        return self.api.get(url)


def _same_page(url, body: str) -> str:
    """A page's text without what differs between two requests (the CSRF token, the path itself)."""
    body = body.replace(url, "<url>")
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", body)


def _cells(response) -> list[str]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    return [str(cell) for row in sheet.to_python() for cell in row]


def _shown(reader: Reader, declared: plugins.Surfaces, kind: str, record) -> bool:
    """Does this surface show the record to the reader? (Refusals show nothing.)"""
    marker = declared.shown_as(record)
    if kind == "list_page":
        listing = declared.list_page
        url = listing(record) if callable(listing) else reverse(listing)
        response = reader.page(url)
        return response.status_code == 200 and marker in response.content.decode()
    if kind == "api_list":
        response = reader.api_get(reverse(declared.api_list) + "?page_size=200")
        return response.status_code == 200 and record.pk in [item["id"] for item in response.json()["items"]]
    if kind == "export":
        response = reader.page(reverse("export", args=[declared.export]))
        return response.status_code == 200 and marker in _cells(response)
    raise AssertionError(kind)


def _perm(declared: plugins.Surfaces, kind: str) -> str:
    if kind == "export":
        return plugins.exports()[declared.export].perm
    return dict(declared.more).get(kind, declared.perm)


def _url_name(declared: plugins.Surfaces, kind: str) -> str | None:
    """The URL name of a surface that shows one record (its page, its API detail, the `more`)."""
    if kind in ("page", "api"):
        return getattr(declared, kind)
    return kind if kind in dict(declared.more) else None


@pytest.mark.parametrize(("model", "username", "kind"), CASES)
def test_scope_matrix(matrix, db, model, username, kind):
    if kind == "unregistered":
        pytest.fail(f"{model.__name__} is scoped but declares no surfaces (core.plugins.Surfaces)")
    declared = plugins.surfaces()[model]
    _factory(model)
    world, records = matrix
    user = getattr(world, username)
    reader = Reader(user)
    inside = [records[model, INSIDE]]
    outside = [records[model, village] for village in OUTSIDE[username]]
    if narrowing_of(user, model) is not None:
        outside.append(records[model, "narrowed"])  # in the user's region, left out by the narrowing
    elif (model, "narrowed") in records:
        inside.append(records[model, "narrowed"])
    may_read = has_perm(user, _perm(declared, kind))
    expect_inside = may_read and username in REACHES_INSIDE

    name = _url_name(declared, kind)
    if name is not None:
        is_api = name.startswith("api:")
        fetch = reader.api_get if is_api else reader.page
        missing_url = reverse(name, args=[model.objects.order_by("-pk").first().pk + 1000])
        missing = fetch(missing_url)
        assert missing.status_code == (404 if may_read else 403)

        for record in inside:
            response = fetch(reverse(name, args=[record.pk]))
            if expect_inside:
                assert response.status_code == 200
                if not is_api:
                    assert declared.shown_as(record) in response.content.decode()
                elif kind == "api":
                    assert response.json()["id"] == record.pk
            else:
                assert response.status_code in (403, 404)
                assert declared.shown_as(record) not in response.content.decode()

        for record in outside:
            url = reverse(name, args=[record.pk])
            response = fetch(url)
            # "Not yours" reads exactly as "absent".
            assert response.status_code == missing.status_code
            if is_api:
                assert response.content == missing.content
            else:
                assert _same_page(url, response.content.decode()) == _same_page(missing_url,
                                                                                  missing.content.decode())
            assert declared.shown_as(record) not in response.content.decode()
        return

    for record in inside:
        assert _shown(reader, declared, kind, record) == expect_inside
    for record in outside:
        assert not _shown(reader, declared, kind, record), f"{username} sees a record outside their reach"


# --- a survey is seen where its person lives now -----------------------------------------------

def test_a_survey_follows_its_person_to_another_village(matrix, db):
    from bangfu.accounts.models import User
    from bangfu.conftest import PASSWORD
    from bangfu.registry import actions
    from bangfu.registry.testing import make_person

    world, _records = matrix
    person = make_person(world.alice, INSIDE, "搬迁人")
    survey = actions.do_record_survey(world.sam, person, visited_on=timezone.localdate(), findings="走访甲", data={})
    sue = User.objects.create_user("sue", password=PASSWORD, role=Role.SURVEYOR, region_id="522633101002")
    sam, sue_reader = Reader(world.sam), Reader(sue)
    declared = plugins.surfaces()[type(survey)]
    assert _shown(sam, declared, "api_list", survey)
    assert not _shown(sue_reader, declared, "api_list", survey)

    actions.do_update_person(world.alice, person, {"region_code": "522633101002"})

    assert not _shown(sam, declared, "api_list", survey)  # sam's village no longer holds the person
    assert _shown(sue_reader, declared, "api_list", survey)
    assert not _shown(sam, declared, "list_page", survey)
    assert _shown(sue_reader, declared, "list_page", survey)

