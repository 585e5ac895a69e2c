"""Imports and check results over the API: upload, the job, the mapping, the steps' refusals, 404 for
another user's job, and the findings of the checks in the caller's region only."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken
from bangfu.conftest import valid_id
from bangfu.exchange.checks.runner import run_checks
from bangfu.exchange.imports.tests.books import xlsx
from bangfu.exchange.models import ImportJob, ImportMapping
from bangfu.exchange.tests.test_background import _run_worker
from bangfu.registry.models import Person

HEADERS = ["乡镇", "村", "姓名", "身份号", "与户主关系"]
FUTURE = datetime.date.today() + datetime.timedelta(days=10)  # noqa: DTZ011 (a calendar date)


def _api(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}


def _book() -> bytes:
    return xlsx([HEADERS, ["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主"]])


def _upload(client, headers, *files, **data):
    return client.post("/api/imports", {"files": [SimpleUploadedFile(n, c) for n, c in files], **data}, **headers)


@pytest.fixture
def alice(world):
    return _api(world.alice)


def test_it_uploads_and_describes_the_tables(world, alice):
    client = Client()
    response = _upload(client, alice, ("乡镇台账.xlsx", _book()))
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["needs_mapping"], job["preview"], job["errors_url"]) == ("uploaded", True, None, None)
    assert job["files"][0]["name"] == "乡镇台账.xlsx" and job["files"][0]["size"] > 0
    table = job["tables"][0]
    assert (table["index"], table["kind"], table["kind_label"], table["header_row"]) == (0, "person", "人员信息", 1)
    assert table["headers"] == HEADERS and table["missing"] == ["证件号码"]
    assert table["fields"]["2"] == "name" and {"index": 3, "header": "身份号"} in table["unrecognised"]
    assert client.get(f"/api/imports/{job['id']}", **alice).json()["tables"] == job["tables"]
    assert [item["id"] for item in client.get("/api/imports", **alice).json()] == [job["id"]]


def test_it_sets_a_mapping_and_remembers_it(world, alice):
    client = Client()
    job = _upload(client, alice, ("a.xlsx", _book())).json()
    response = client.put(f"/api/imports/{job['id']}/tables/0/mapping", {"fields": {"3": "id_number"}},
                          content_type="application/json", **alice)
    assert response.status_code == 200, response.content
    assert response.json()["missing"] == [] and response.json()["fields"]["3"] == "id_number"
    assert response.json()["mapped"] is True
    assert ImportMapping.objects.filter(region_prefix="522633", kind="person").exists()
    again = _upload(client, alice, ("b.xlsx", _book())).json()
    assert again["needs_mapping"] is False and again["tables"][0]["mapped"] is True


def test_a_mapping_that_contradicts_itself_is_400(world, alice):
    client = Client()
    job = _upload(client, alice, ("a.xlsx", _book())).json()
    url = f"/api/imports/{job['id']}/tables/0/mapping"
    response = client.put(url, {"fields": {"2": "id_number", "3": "id_number"}}, content_type="application/json",
                          **alice)
    assert response.status_code == 400 and response.json()["detail"] == "同一字段只能对应一列"
    response = client.put(url, {"fields": {"3": "plans_work"}}, content_type="application/json", **alice)
    assert response.status_code == 400 and "不是人员信息的字段" in response.json()["detail"]
    response = client.put(url, {"fields": {"3": "nonsense"}}, content_type="application/json", **alice)
    assert response.status_code == 422
    assert client.put(f"/api/imports/{job['id']}/tables/5/mapping", {"fields": {}},
                      content_type="application/json", **alice).status_code == 404
    assert not ImportMapping.objects.exists()


def test_another_kind_for_a_table(world, alice):
    client = Client()
    job = _upload(client, alice, ("a.xlsx", _book())).json()
    response = client.put(f"/api/imports/{job['id']}/tables/0/mapping", {"kind": "job_plan", "remember": False},
                          content_type="application/json", **alice)
    assert response.status_code == 200 and response.json()["kind"] == "job_plan"
    assert "是否计划务工" in response.json()["missing"]


def test_uploads_it_refuses(world, alice, settings):
    client = Client()
    response = _upload(client, alice, ("坏.xlsx", b"not a workbook"))
    assert response.status_code == 400 and "无法读取该文件" in response.json()["detail"]
    response = _upload(client, alice, ("a.xlsx", _book()), kind="salaries")
    assert response.status_code == 422
    assert _upload(client, alice).status_code == 422  # no file at all: the field is required
    settings.IMPORT_MAX_MB = 0
    response = _upload(client, alice, ("a.xlsx", _book()))
    assert response.status_code == 413 and "不能超过 0 MB" in response.json()["detail"]
    assert _upload(client, _api(world.sam), ("a.xlsx", _book())).status_code == 403  # a surveyor
    assert _upload(client, {}, ("a.xlsx", _book())).status_code == 401
    assert not ImportJob.objects.exists()


def test_another_users_job_is_404(world, alice):
    client = Client()
    job = _upload(client, alice, ("a.xlsx", _book())).json()
    bob = _api(world.bob)
    for url in (f"/api/imports/{job['id']}", f"/api/imports/{job['id']}/errors"):
        response = client.get(url, **bob)
        assert response.status_code == 404 and response.json()["detail"]
    for step in ("preview", "commit", "cancel"):
        assert client.post(f"/api/imports/{job['id']}/{step}", **bob).status_code == 404
    assert client.put(f"/api/imports/{job['id']}/tables/0/mapping", {"fields": {"3": "id_number"}},
                      content_type="application/json", **bob).status_code == 404
    assert client.get("/api/imports", **bob).json() == []
    assert client.get(f"/api/imports/{job['id']}/errors", **alice).status_code == 404  # no pass yet


# --- check results -------------------------------------------------------------------------------


@pytest.fixture
def found(world):
    """An impossible birth date in each county, both counties checked."""
    Person.objects.filter(pk__in=[world.person.pk, world.other_village_person.pk, world.outsider_person.pk]).update(
        birth_date=FUTURE)
    run_checks("522633", world.alice)
    run_checks("522631", world.bob)
    return world


def test_the_check_summary_counts_the_callers_region(found, alice):
    client = Client()
    summary = client.get("/api/checks", **alice).json()
    checks = {check["id"]: check for check in summary["checks"]}
    assert checks["person.birth_date"]["findings"] == 2 and checks["person.birth_date"]["severity"]
    villages = {v["region_code"]: v["name"] for v in summary["villages"]}
    assert villages == {"522633101001": "大塘村", "522633102001": "干团村"}  # not bob's 高屯村
    assert sum(v["findings"] for v in summary["villages"]) == sum(c["findings"] for c in summary["checks"])
    assert summary["last_run"]["region_prefix"] == "522633" and summary["last_run"]["findings"] >= 2
    tom = client.get("/api/checks", **_api(found.tom)).json()  # the township officer of 丙妹镇
    assert {c["id"]: c["findings"] for c in tom["checks"]}["person.birth_date"] == 1
    assert tom["last_run"]["findings"] is None  # the county's run counts more than his township


def test_the_runs_are_those_over_the_callers_region(found, alice):
    runs = Client().get("/api/checks/runs", **alice).json()
    assert [run["region_prefix"] for run in runs] == ["522633"]


def test_the_findings_of_one_check_page_by_page(found, alice):
    client = Client()
    page = client.get("/api/checks/person.birth_date/findings?page_size=1", **alice).json()
    assert page["count"] == 2 and len(page["items"]) == 1
    first = page["items"][0]
    assert (first["record"], first["village"], first["model"]) == ("张三丰", "大塘村", "person")
    assert first["reason"] == "future"
    assert first["record_url"] == f"/api/people/{found.person.pk}" and first["reason_label"]
    assert client.get(first["record_url"], **alice).status_code == 200
    village = client.get("/api/checks/person.birth_date/findings?region=522633102", **alice).json()
    assert [item["record"] for item in village["items"]] == ["李四"]
    assert client.get("/api/checks/no.such_check/findings", **alice).status_code == 404
    assert client.get("/api/checks/person.birth_date/findings?region=x", **alice).status_code == 400


def test_check_results_need_the_permission(found):
    client = Client()
    for url in ("/api/checks", "/api/checks/runs", "/api/checks/person.birth_date/findings"):
        assert client.get(url, **_api(found.ed)).status_code == 403  # an employer's operator
        assert client.get(url).status_code == 401


def test_it_previews_commits_and_serves_the_error_workbook(world, alice):
    client = Client()
    rows = [HEADERS, ["丙妹镇", "大塘村", "王小二", valid_id(seq=31), "户主"],
            ["丙妹镇", "大塘村", "王小三", "5226331985", "户主"], [None], [None, None, None, None, None]]
    job = _upload(client, alice, ("a.xlsx", xlsx(rows))).json()
    base = f"/api/imports/{job['id']}"
    # Before any pass, the rows the file declares below its header (blank ones too); then those read.
    assert (job["rows_total"], job["rows_estimated"], job["tables"][0]["rows"]) == (4, True, 4)
    assert client.post(f"{base}/preview", **alice).json()["detail"].startswith("还有必填字段没有对应的列")
    assert client.post(f"{base}/commit", **alice).status_code == 400  # no preview yet
    client.put(f"{base}/tables/0/mapping", {"fields": {"3": "id_number"}}, content_type="application/json", **alice)
    response = client.post(f"{base}/preview", **alice)
    assert response.status_code == 202 and response.json()["status"] == "previewing"
    _run_worker()
    job = client.get(base, **alice).json()
    assert job["status"] == "previewed" and job["rejected"] == 1 and job["rows_done"] == job["rows_total"] == 2
    assert not job["rows_estimated"]
    assert job["preview"] == {"person": {"add": 1, "update": 0, "unchanged": 0, "rejected": 1, "remove": 0}}
    assert job["commit"] is None and job["errors_url"] == f"{base}/errors"
    book = client.get(job["errors_url"], **alice)
    assert book.status_code == 200 and "attachment" in book["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(book.streaming_content))).get_sheet_by_index(0)
    assert [row[3] for row in rows.to_python()[1:]] == ["王小三"]
    assert client.put(f"{base}/tables/0/mapping", {"fields": {}}, content_type="application/json",
                      **alice).status_code == 200  # a mapping after the preview asks for another
    assert client.post(f"{base}/commit", **alice).json()["detail"] == "请先预览，确认无误后再导入"
    client.post(f"{base}/preview", **alice)
    _run_worker()
    assert client.post(f"{base}/commit", **alice).status_code == 202
    _run_worker()
    job = client.get(base, **alice).json()
    assert job["status"] == "done" and job["commit"]["person"]["add"] == 1 and job["checks_run"]
    assert job["checks_run"] in [run["id"] for run in client.get("/api/checks/runs", **alice).json()]
    assert Person.objects.filter(name="王小二").exists()
    assert client.post(f"{base}/cancel", **alice).json()["detail"] == "导入已完成，不能取消"
    assert client.post(f"{base}/resume", **alice).status_code == 400


def test_a_job_is_cancelled(world, alice):
    client = Client()
    job = _upload(client, alice, ("a.xlsx", _book())).json()
    response = client.post(f"/api/imports/{job['id']}/cancel", **alice)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_rows_are_counted_by_a_preview_or_by_a_whole_commit():
    # A commit without a preview (`bangfu import`) counts towards the files' declared rows until done.
    job = ImportJob(status=ImportJob.Status.COMMITTING, counts={"commit": {"person": {"add": 5000}}})
    assert not job.rows_counted
    job.status = ImportJob.Status.DONE
    assert job.rows_counted
    assert ImportJob(status=ImportJob.Status.COMMITTING, counts={"preview": {}}).rows_counted
    assert not ImportJob(status=ImportJob.Status.UPLOADED).rows_counted
