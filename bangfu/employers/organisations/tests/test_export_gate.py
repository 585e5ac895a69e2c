"""The employer side's exports follow the ledger's convention: a permission of their own
(EXPORT_EMPLOYERS) that every one of them checks, held by the roles that hold the ledger's EXPORT
(and the operators, for their own organisation); those naming people need the ledger's EXPORT too;
each is scoped, audited, and shows names as the pages do."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import Role
from bangfu.audit.models import Action, AuditEntry
from bangfu.core import permissions, plugins
from bangfu.core.permissions import has_perm
from bangfu.employers.groups import actions as groups
from bangfu.employers.groups.tests.conftest import coop, dispatch_data  # noqa: F401 (a fixture)
from bangfu.employers.organisations.actions import do_bind_operator
from bangfu.employers.permissions import Perm
from bangfu.employers.testing import make_employer, make_employment, make_site, make_workshop
from bangfu.registry.permissions import Perm as LedgerPerm
from bangfu.registry.testing import make_disabled_person, make_person

VILLAGE = "522633101001"
D = datetime.date
# The employer side's exports that need its permission alone (the employment records' names the
# operator's own employees, as its pages do).
OWN = ("employers", "workshops", "sites", "cooperatives", "employments")
NAMING_PEOPLE = ("site_members", "dispatches", "appraisal_results")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cells(response) -> list:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    return [str(cell) for row in rows for cell in row]


def _without(monkeypatch, role, *perms) -> None:
    grants = {r: set(p) for r, p in permissions._GRANTS.items()}
    grants[str(role)] -= set(perms)
    monkeypatch.setattr(permissions, "_GRANTS", grants)


@pytest.fixture
def records(world, coop):  # noqa: F811 (the fixture)
    employer = make_employer(world.alice, VILLAGE, "大塘绣娘公司")
    make_workshop(world.alice, VILLAGE, "大塘车间", employer=employer)
    site = make_site(world.alice, VILLAGE, "大塘基地", employer=employer.pk)
    groups.do_add_site_member(world.alice, site, make_disabled_person(world.alice, VILLAGE, "盲人甲"),
                              {"relation": "employed", "start_date": D(2025, 1, 1)})
    groups.do_add_site_member(world.alice, site, make_person(world.alice, VILLAGE, "潘店长"),
                              {"relation": "manager", "start_date": D(2025, 1, 1)})
    groups.do_record_dispatch(world.alice, coop, dispatch_data(coop))
    groups.do_compute_appraisal(world.alice, {"region_code": "522633", "year": 2025, "half": 1})
    make_employment(world.alice, VILLAGE, "绣娘")
    return employer


def test_every_export_declares_the_permission_of_its_kind():
    exports = plugins.exports()
    assert {name: exports[name].perm for name in OWN} == dict.fromkeys(OWN, Perm.EXPORT_EMPLOYERS)
    assert {name: exports[name].perm for name in NAMING_PEOPLE} == dict.fromkeys(NAMING_PEOPLE, LedgerPerm.EXPORT)


@pytest.mark.parametrize(("role", "holds"), [
    (Role.HRSS_OFFICER, True), (Role.DPF_OFFICER, True), (Role.TOWNSHIP_OFFICER, True), (Role.AUDITOR, True),
    (Role.ADMIN, True), (Role.EMPLOYER, True), (Role.SURVEYOR, False),
])
def test_the_roles_that_export_the_ledger_export_this_side(world, role, holds):
    user = next(u for u in vars(world).values() if getattr(u, "role", None) == role)
    assert has_perm(user, Perm.EXPORT_EMPLOYERS) is holds
    if role != Role.EMPLOYER:  # the operators export their own organisation, and no one's names
        assert has_perm(user, LedgerPerm.EXPORT) is holds


@pytest.mark.parametrize("name", OWN + NAMING_PEOPLE)
def test_each_export_checks_the_permission_and_is_audited(world, records, monkeypatch, name):
    client = _client(world.alice)
    response = client.get(reverse("export", args=[name]))
    assert response.status_code == 200 and len(_cells(response)) > 10
    entry = AuditEntry.objects.filter(action=Action.EXPORT, user=world.alice).latest("id")
    assert entry.detail["what"] == name and entry.detail["rows"] >= 1
    _without(monkeypatch, Role.HRSS_OFFICER, Perm.EXPORT_EMPLOYERS)
    assert has_perm(world.alice, Perm.VIEW_EMPLOYERS)  # she still reads the lists, but exports none
    assert client.get(reverse("export", args=[name])).status_code == 403
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


@pytest.mark.parametrize("name", NAMING_PEOPLE)
def test_the_exports_naming_people_need_the_ledgers_export_too(world, records, monkeypatch, name):
    _without(monkeypatch, Role.HRSS_OFFICER, LedgerPerm.EXPORT)
    assert _client(world.alice).get(reverse("export", args=[name])).status_code == 403


def test_the_lists_offer_export_only_to_who_may(world, records, monkeypatch):
    pages = ("employer_list", "workshop_list", "site_list", "cooperative_list", "appraisal_list", "employment_list")
    client = _client(world.alice)
    for page in pages:
        assert "/export/" in client.get(reverse(page)).content.decode(), page
    _without(monkeypatch, Role.HRSS_OFFICER, Perm.EXPORT_EMPLOYERS)
    for page in pages:
        assert "/export/" not in client.get(reverse(page)).content.decode(), page


def test_an_operator_exports_its_own_organisation_and_no_names(world, records):
    other = make_employer(world.alice, VILLAGE, "别家公司")
    make_workshop(world.alice, VILLAGE, "别家车间", employer=other)
    do_bind_operator(world.alice, records, world.ed)
    client = _client(world.ed)
    employers = _cells(client.get(reverse("export", args=["employers"])))
    assert "大塘绣娘公司" in employers and "别家公司" not in employers
    workshops = _cells(client.get(reverse("export", args=["workshops"])))
    assert "大塘车间" in workshops and "别家车间" not in workshops
    for name in NAMING_PEOPLE:
        assert client.get(reverse("export", args=[name])).status_code == 403
    assert "/export/dispatches" not in client.get(reverse("cooperative_list")).content.decode()


def test_names_are_exported_as_the_pages_show_them(world, records, coop):  # noqa: F811 (the fixture)
    # The federation's officer sees the disabled people of the ledger: others are masked, as on the pages.
    members = _cells(_client(world.dora).get(reverse("export", args=["site_members"])))
    assert "盲人甲" in members and "潘**" in members and "潘店长" not in members
    dispatches = _cells(_client(world.dora).get(reverse("export", args=["dispatches"])))
    assert "吴**、石阿妹" in dispatches and "吴**" in dispatches  # the leader 吴老大 is not disabled
    results = _cells(_client(world.dora).get(reverse("export", args=["appraisal_results"])))
    assert "吴**" in results and "吴老大" not in results
    whole = _cells(_client(world.alice).get(reverse("export", args=["dispatches"])))
    assert "吴老大、石阿妹" in whole
    page = _client(world.dora).get(reverse("site_detail", args=[records.sites.get().pk])).content.decode()
    assert "潘**" in page and "潘店长" not in page
