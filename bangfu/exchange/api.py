"""Exports over the API: start one (the list's filters as query parameters), follow its progress,
download the file. Every export through the API is made by the task worker, whatever its size, so a
client has one flow; the same gate, scope and audit as the pages."""

import datetime

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from bangfu.core.schemas import Id, responses
from bangfu.exchange import services
from bangfu.exchange.models import ExportJob
from bangfu.exchange.views import xlsx_response

router = Router(tags=["exports"])


class ExportJobOut(Schema):
    id: int
    export: str
    title: str
    filters: dict[str, str]
    status: str
    status_label: str
    rows_done: int
    rows_total: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    download_url: str | None


def _out(job: ExportJob) -> dict:
    return {
        "id": job.pk, "export": job.export, "title": job.title, "filters": job.params, "status": job.status,
        "status_label": job.get_status_display(), "rows_done": job.rows_done, "rows_total": job.rows_total,
        "created_at": job.created_at, "finished_at": job.finished_at, "expires_at": job.expires_at,
        "download_url": reverse("api:export_file", args=[job.pk]) if job.status == ExportJob.Status.DONE else None,
    }


@router.get("/jobs", response=responses({200: list[ExportJobOut]}, 401), url_name="export_jobs")
def list_jobs(request):
    """Your recent exports, newest first (at most 50)."""
    return [_out(job) for job in services.jobs_for_user(request.auth)[:50]]


@router.get("/jobs/{job_id}", response=responses({200: ExportJobOut}, 401, 404, 422), url_name="export_job")
def get_job(request, job_id: Id):
    """An export's state and progress; only its owner sees it (404 to anyone else)."""
    return _out(services.get_job_for_user(request.auth, job_id))


@router.get("/jobs/{job_id}/file", response=responses({200: None}, 401, 404, 422), url_name="export_file",
            openapi_extra={"responses": {200: {"description": "the workbook", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}})
def download(request, job_id: Id):
    """The finished workbook (404 until it is done, after it expired, or for another user's job);
    every download is written to the audit log."""
    return xlsx_response(services.open_download(request.auth, job_id, request=request),
                         fallback=f"export-{job_id}.xlsx")


# After the /jobs routes: `jobs` is not an export's name.
@router.post("/{name}", response=responses({202: ExportJobOut}, 400, 401, 403, 404), url_name="export_start")
def start_export(request, name: str, response: HttpResponse):
    """Start an export (`people`, `households`, `zero_employment`); the query string takes the
    filters of the matching list (`?region=522633101&q=张`). Answers 202 with the job; poll
    `GET /api/exports/jobs/{id}` until `status` is `done`, then fetch `download_url`."""
    try:
        asked = services.ask(request.auth, name, request.GET, request=request)
    except services.UnknownExport:
        raise Http404 from None
    return Status(202, _out(services.queue(request.auth, asked, request=request)))
