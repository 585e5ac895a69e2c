"""Exports over the API: start (any size goes to the worker), progress, download, and refusals as JSON."""

import io

from django.test import Client
from python_calamine import CalamineWorkbook

from bangfu.accounts.models import ApiToken
from bangfu.exchange.models import ExportJob
from bangfu.exchange.tests.test_background import _run_worker


def _api(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}


def test_it_starts_follows_and_downloads_an_export(world):
    client, alice = Client(), _api(world.alice)
    response = client.post("/api/exports/people?region=522633101", **alice)
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["status"], job["rows_total"], job["filters"], job["download_url"]) == (
        "queued", 1, {"region": "522633101"}, None)
    _run_worker()
    job = client.get(f"/api/exports/jobs/{job['id']}", **alice).json()
    assert (job["status"], job["rows_done"]) == ("done", 1)
    assert [item["id"] for item in client.get("/api/exports/jobs", **alice).json()] == [job["id"]]
    download = client.get(job["download_url"], **alice)
    assert download.status_code == 200 and "filename*=UTF-8''" in download["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content))).get_sheet_by_index(0)
    assert [row[1] for row in rows.to_python()[2:]] == ["张三丰"]


def test_another_user_gets_404_as_json(world):
    client = Client()
    job = client.post("/api/exports/people", **_api(world.alice)).json()
    _run_worker()
    for url in (f"/api/exports/jobs/{job['id']}", f"/api/exports/jobs/{job['id']}/file"):
        response = client.get(url, **_api(world.bob))
        assert response.status_code == 404 and "detail" in response.json()
    assert client.get("/api/exports/jobs", **_api(world.bob)).json() == []


def test_it_refuses_as_the_pages_do(world):
    client = Client()
    assert client.post("/api/exports/nothing", **_api(world.alice)).status_code == 404
    response = client.post("/api/exports/people", **_api(world.sam))  # a surveyor may not export
    assert response.status_code == 403 and response.json()["detail"]
    response = client.post("/api/exports/people?region=99x", **_api(world.alice))
    assert response.status_code == 400 and response.json()["detail"]
    assert client.post("/api/exports/people").status_code == 401
    assert not ExportJob.objects.exists()


def test_an_unfinished_job_has_no_file_yet(world):
    client, alice = Client(), _api(world.alice)
    job = client.post("/api/exports/households", **alice).json()
    assert client.get(f"/api/exports/jobs/{job['id']}/file", **alice).status_code == 404
