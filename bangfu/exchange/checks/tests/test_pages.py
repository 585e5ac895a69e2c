"""The 核查 pages, the export and the home section, as each role sees them."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from bangfu.audit.models import Action, AuditEntry
from bangfu.exchange.checks.models import Finding
from bangfu.exchange.checks.runner import run_checks
from bangfu.registry.models import Person

FUTURE = datetime.date.today() + datetime.timedelta(days=10)  # noqa: DTZ011 (a calendar date)
HYPERLINK = '=HYPERLINK("http://x.example/","更多")'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def found(world):
    """Impossible birth dates in two villages of 从江县 and in 黎平县, checked everywhere."""
    Person.objects.filter(pk__in=[world.person.pk, world.other_village_person.pk, world.outsider_person.pk]
                          ).update(birth_date=FUTURE)
    run_checks("", world.admin)
    return world


def _count(response, check_id="person.birth_date") -> int:
    row = next(row for row, count in response.context["rows"] if row.id == check_id)
    return dict((check.id, count) for check, count in response.context["rows"])[row.id]


def test_it_counts_findings_in_the_users_scope(found):
    assert _count(_client(found.alice).get(reverse("check_list"))) == 2
    assert _count(_client(found.tom).get(reverse("check_list"))) == 1
    assert _count(_client(found.bob).get(reverse("check_list"))) == 1
    # The disabled persons' federation sees disabled people only: none of these.
    assert _count(_client(found.dora).get(reverse("check_list"))) == 0


def test_it_shows_counts_per_village_and_links_to_the_records(found):
    response = _client(found.alice).get(reverse("check_detail", args=["person.birth_date"]))
    assert response.status_code == 200
    assert [(name, count) for _code, name, count in response.context["villages"]] == [("大塘村", 1), ("干团村", 1)]
    html = response.content.decode()
    assert reverse("person_detail", args=[found.person.pk]) in html
    assert "王五" not in html
    assert "出生日期晚于今天" in html


def test_it_narrows_the_findings_to_a_village(found):
    response = _client(found.alice).get(reverse("check_detail", args=["person.birth_date"]),
                                        {"region": "522633102001"})
    assert [finding.record_id for finding in response.context["page"]] == [found.other_village_person.pk]


def test_an_outsider_sees_none_of_the_findings(found):
    html = _client(found.bob).get(reverse("check_detail", args=["person.birth_date"])).content.decode()
    assert "张三丰" not in html and "李四" not in html
    assert _client(found.bob).get(reverse("person_detail", args=[found.person.pk])).status_code == 404


def test_an_unknown_check_is_not_found(found):
    assert _client(found.alice).get(reverse("check_detail", args=["person.nope"])).status_code == 404


def test_a_bad_region_filter_is_refused(found):
    response = _client(found.alice).get(reverse("check_detail", args=["person.birth_date"]), {"region": "x"})
    assert response.status_code == 400


def test_officers_run_the_checks_and_others_may_not(found):
    Person.objects.filter(pk=found.person.pk).update(birth_date=datetime.date(1985, 3, 9))
    response = _client(found.tom).post(reverse("check_run"))
    assert response.status_code == 302
    assert set(Finding.objects.filter(check_id="person.birth_date").values_list("record_id", flat=True)) == {
        found.other_village_person.pk, found.outsider_person.pk}
    assert AuditEntry.objects.filter(action=Action.BULK, user=found.tom).exists()
    for user in (found.sam, found.audrey, found.ed):
        assert _client(user).post(reverse("check_run")).status_code == 403
    assert _client(found.alice).get(reverse("check_run")).status_code == 405


def test_officers_and_auditors_see_the_results(found):
    assert _client(found.audrey).get(reverse("check_list")).status_code == 200
    assert _client(found.sam).get(reverse("check_list")).status_code == 403
    assert _client(found.ed).get(reverse("check_list")).status_code == 403
    assert _client(found.sam).get(reverse("export", args=["check_findings"])).status_code == 403


def test_the_export_holds_the_users_findings_masked_and_safe(found):
    Person.objects.filter(pk=found.person.pk).update(name=HYPERLINK)
    response = _client(found.alice).get(reverse("export", args=["check_findings"]), {"check": "person.birth_date"})
    assert response.status_code == 200, response.content[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header, body = rows[0], rows[1:]
    records = [dict(zip(header, row, strict=True)) for row in body]
    assert sorted(r["人员/家庭户"] for r in records) == sorted([HYPERLINK, "李四"])
    assert {r["村"] for r in records} == {"大塘村", "干团村"}
    assert {r["说明"] for r in records} == {"出生日期晚于今天"}
    assert all(r["身份证号"].startswith("5226") and "*" in r["身份证号"] for r in records)
    cell = next(c for row in sheet.iter_rows(min_row=3) for c in row if c.value == HYPERLINK)
    assert cell.data_type == "s"


def test_the_export_shows_household_findings_by_number(found):
    from bangfu.registry.actions import do_create_household

    household = do_create_household(found.alice, {"region_code": "522633101001"})
    run_checks("522633", found.alice, only=["household.no_head"])
    response = _client(found.alice).get(reverse("export", args=["check_findings"]), {"check": "household.no_head"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[4] for row in rows] == [household.number]
    assert rows[0][5] in ("", None)


def test_the_home_page_counts_open_findings(found):
    html = _client(found.alice).get(reverse("home")).content.decode()
    assert "待处理的核查问题：错误 2 条" in html
    assert reverse("check_list") in html
    assert "待处理的核查问题" not in _client(found.ed).get(reverse("home")).content.decode()


def test_the_home_page_counts_by_region_and_a_narrowed_view_links_without_counting(found):
    assert "待处理的核查问题：错误 1 条" in _client(found.tom).get(reverse("home")).content.decode()  # his township
    html = _client(found.dora).get(reverse("home")).content.decode()  # sees disabled people only
    assert "查看核查问题" in html and "待处理的核查问题" not in html


def test_a_finding_counts_only_while_its_own_record_is_in_scope(found):
    from bangfu.exchange.checks import selectors
    from bangfu.registry.models import Household

    # A household finding is matched to households, even when a person of the region has its id.
    assert not Household.objects.filter(pk=found.person.pk).exists()
    run = Finding.objects.first().run
    Finding.objects.create(run=run, check_id="household.no_head", model="household", record_id=found.person.pk,
                           region_code=found.person.region_code)
    # A person who moved to 黎平县 after the run leaves 从江县's counts.
    Person.objects.filter(pk=found.other_village_person.pk).update(region_code="522631101001")
    counts = selectors.counts_by_check(selectors.findings_for_user(found.alice))
    assert (counts["person.birth_date"], counts.get("household.no_head")) == (1, None)
