"""Big exports: counted first, queued as a job above the threshold, written by the task worker (the
real django-tasks database backend and its worker loop, in-process) with progress, downloaded by
their owner only, deleted when they expire; and a workbook written in constant memory."""

import datetime
import io
import tracemalloc
from unittest import mock

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from bangfu.audit.models import AuditEntry
from bangfu.conftest import make_person
from bangfu.core.exports import Column, Export
from bangfu.core.filters import FilterSet
from bangfu.exchange import services, xlsx
from bangfu.exchange.models import ExportJob
from bangfu.registry.actions import do_update_person


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _run_worker() -> None:
    """What `bangfu worker` does, in this process: run every queued task, then stop. (Its check for
    stale connections would close the test's own, which is inside the test's transaction.)"""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[]).run()


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def big(world, settings):
    """Every export of more than one row goes to the background."""
    settings.EXPORT_BACKGROUND_FROM = 1
    for seq in range(21, 26):
        make_person(world.admin, name=f"王{seq}", seq=seq, region_code="522633102001")
    return world


def test_it_writes_an_export_up_to_the_threshold_in_the_request(world, settings):
    settings.EXPORT_BACKGROUND_FROM = 2  # alice's county holds two people
    response = _client(world.alice).get(reverse("export", args=["people"]))
    assert [row[1] for row in _rows(_body(response))[2:]] == ["张三丰", "李四"]
    assert not ExportJob.objects.exists()
    settings.EXPORT_BACKGROUND_FROM = 1
    response = _client(world.alice).get(reverse("export", args=["people"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])


def test_the_worker_writes_the_same_workbook_as_the_request(big, settings):
    alice = _client(big.alice)
    do_update_person(big.alice, big.person, {"wish_jobs": "=HYPERLINK(\"http://x.example\")"})
    response = alice.get(reverse("export", args=["people"]), {"region": "5226331"})
    job = ExportJob.objects.get()
    assert (job.status, job.rows_total, job.params) == ("queued", 7, {"region": "5226331"})
    _run_worker()
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 7, 7)
    background = _body(alice.get(reverse("export_download", args=[job.pk])))
    settings.EXPORT_BACKGROUND_FROM = 100
    now = _body(alice.get(reverse("export", args=["people"]), {"region": "5226331"}))
    assert response.status_code == 302
    assert _rows(background)[1:] == _rows(now)[1:]  # header and rows; the caption has its own time
    header, *rows = _rows(background)[1:]
    assert "身份证号" in header and len(rows) == 7
    first = dict(zip(header, rows[0], strict=True))
    assert first["身份证号"].count("*") >= 8 and first["联系电话"] == "138****5678"
    assert (first["县（市、区）"], first["乡镇（街道）"], first["村（社区）"]) == ("从江县", "丙妹镇", "大塘村")
    cell = openpyxl.load_workbook(io.BytesIO(background)).active.cell(row=3, column=header.index("意向岗位") + 1)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x.example\")", "s")


def test_it_never_writes_rows_outside_the_users_region(big):
    _client(big.bob).get(reverse("export", args=["people"]))  # bob's county: one person, in the request
    _client(big.tom).get(reverse("export", args=["people"]))  # tom's township: one, too
    _client(big.alice).get(reverse("export", args=["people"]))
    _run_worker()
    job = ExportJob.objects.get()
    names = [row[1] for row in _rows(_body(_client(big.alice).get(reverse("export_download", args=[job.pk]))))[2:]]
    assert "王五" not in names and len(names) == 7


def test_the_progress_page_polls_until_the_file_is_ready(big):
    alice = _client(big.alice)
    job = ExportJob.objects.get(pk=int(alice.get(reverse("export", args=["people"]))["Location"].split("/")[-2]))
    url = reverse("export_job", args=[job.pk])
    page = alice.get(url).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "<progress" in page and "<script>" not in page
    _run_worker()
    part = alice.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="job-progress"') and "hx-trigger" not in part
    assert "已完成" in part and reverse("export_download", args=[job.pk]) in part
    listing = alice.get(reverse("export_jobs")).content.decode()
    assert "人员台账" in listing and reverse("export_download", args=[job.pk]) in listing


def test_it_reports_progress_after_each_chunk(db):
    export = Export("t", "t", "perm", lambda user: None, FilterSet("t"), (Column("n", lambda n: n),))
    seen = []
    assert xlsx.write(export, range(7), "caption", io.BytesIO(), chunk_size=3, progress=seen.append) == 7
    assert seen == [3, 6, 7]


def test_only_the_owner_sees_and_downloads_the_file(big):
    _client(big.alice).get(reverse("export", args=["people"]))
    _run_worker()
    job = ExportJob.objects.get()
    for other in (big.bob, big.audrey, big.admin):
        client = _client(other)
        assert client.get(reverse("export_download", args=[job.pk])).status_code == 404
        assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
        assert reverse("export_job", args=[job.pk]) not in client.get(reverse("export_jobs")).content.decode()
    assert _client(big.alice).get(reverse("export_download", args=[job.pk])).status_code == 200


def test_it_audits_the_export_and_each_download(big):
    alice = _client(big.alice)
    alice.get(reverse("export", args=["people"]), {"q": "王"})
    _run_worker()
    job = ExportJob.objects.get()
    asked = AuditEntry.objects.get(action="export")
    assert asked.detail == {"what": "people", "rows": 5, "filters": {"q": "王"}, "job": job.pk, "background": True}
    alice.get(reverse("export_download", args=[job.pk]))
    downloaded = AuditEntry.objects.filter(action="export").latest("pk")
    assert (downloaded.object_id, downloaded.detail["download"], downloaded.detail["rows"]) == (str(job.pk), True, 5)


def test_expired_files_are_deleted(big, settings):
    settings.EXPORT_KEEP_HOURS = 24
    _client(big.alice).get(reverse("export", args=["people"]))
    _run_worker()
    job = ExportJob.objects.get()
    path = services.exports_dir() / job.file
    assert path.is_file() and oct(path.stat().st_mode)[-3:] == "600"
    assert services.remove_expired(timezone.now() + datetime.timedelta(hours=23)) == 0 and path.is_file()
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=25))
    assert _client(big.alice).get(reverse("export_download", args=[job.pk])).status_code == 404  # past its time
    assert services.remove_expired() == 1
    assert not path.exists() and ExportJob.objects.get().status == "expired"


def test_a_job_whose_worker_died_is_marked_failed(big):
    _client(big.alice).get(reverse("export", args=["people"]))
    ExportJob.objects.update(status="running", updated_at=timezone.now() - datetime.timedelta(hours=1))
    services.remove_expired()
    assert ExportJob.objects.get().status == "failed"
    page = _client(big.alice).get(reverse("export_job", args=[ExportJob.objects.get().pk])).content.decode()
    assert "导出失败" in page


def test_a_failing_export_fails_its_job(big, monkeypatch):
    _client(big.alice).get(reverse("export", args=["people"]))
    monkeypatch.setattr(xlsx, "write", lambda *args, **kwargs: 1 / 0)
    _run_worker()
    job = ExportJob.objects.get()
    assert (job.status, job.file, "ZeroDivisionError" in DBTaskResult.objects.get().traceback) == ("failed", "", True)
    assert list(services.exports_dir().iterdir()) == []


def _peak(rows: int) -> int:
    export = Export("t", "t", "perm", lambda user: None, FilterSet("t"),
                    tuple(Column(f"c{i}", lambda n, i=i: f"第{n}行第{i}列的文字") for i in range(3)))
    tracemalloc.start()
    try:
        xlsx.write(export, iter(range(rows)), "caption", io.BytesIO())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_memory_of_a_workbook_does_not_grow_with_its_rows(db):
    # Rows go to openpyxl's temporary file as they come; the output here is in memory, so allow
    # for the compressed file itself (about 1 byte a cell).
    # (More rows than the first xlsx.FIT_SAMPLE, which are kept to fit the column widths.)
    small, large = _peak(1_500), _peak(7_500)
    assert large < small * 1.5, (small, large)
