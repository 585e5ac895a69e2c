"""Exports and imports over the API.

Exports: start one (the list's filters as query parameters), follow its progress, download the
file. Every export through the API is made by the task worker, whatever its size, so a client has
one flow; the same gate, scope and audit as the pages. Imports: the steps of the import pages, below."""

import datetime
from typing import Annotated, Literal

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import StringConstraints

from bangfu.core.schemas import Flag, Id, Message, responses, whole_number
from bangfu.exchange import services
from bangfu.exchange.imports import access, jobs
from bangfu.exchange.imports.jobs import ImportRefused
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.imports.views import errors_download, max_bytes, missing_labels, too_big_message
from bangfu.exchange.models import ExportJob, ImportJob
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


# --- imports -------------------------------------------------------------------------------------
# The steps of the import pages (imports/jobs.py): upload → (mapping) → preview → commit, each a
# call; the passes run in the task worker, so a client polls the job until `status` moves on.

imports = Router(tags=["imports"])

KindName = Literal[tuple(KINDS)]
FieldName = Literal[("", *sorted({field.name for kind in KINDS.values() for field in kind.fields}))]
ColumnIndex = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,4}$")]
TOO_BIG = {413: Message}


class ImportFileOut(Schema):
    name: str
    size: int


class ColumnOut(Schema):
    index: int
    header: str


class TableOut(Schema):
    index: int = Field(description="the table's number in this job, from 0 (the mapping's path)")
    file: str = Field(description="the file's name as uploaded")
    sheet: str
    kind: str
    kind_label: str
    export: str = Field(description="the monitoring system's export recognised by its headers, or ''")
    header_row: int
    rows: int | None = Field(description="rows below the header as the file declares them (blank rows included), "
                                         "before they are read; null when the file does not say")
    headers: list[str]
    fields: dict[str, str] = Field(description="column index (from 0) → the field it is read as")
    unrecognised: list[ColumnOut]
    missing: list[str] = Field(description="labels of the required fields no column gives: map them first")
    mapped: bool = Field(description="a mapping made by hand (or saved for this shape) applies")


class KindCountsOut(Schema):
    add: int
    update: int
    unchanged: int
    rejected: int
    remove: int = Field(0, description="records removed: a roster import replaces each month it holds (else 0)")


class FieldChangeOut(Schema):
    label: str
    old: str
    new: str


class RowChangeOut(Schema):
    kind: str
    action: str = Field("update", description="update, or remove (a roster's record of someone the file omits)")
    row: int | None
    source: str
    who: str
    changes: list[FieldChangeOut]


class ImportJobOut(Schema):
    id: int
    status: str
    status_label: str
    kind: str
    files: list[ImportFileOut]
    tables: list[TableOut]
    needs_mapping: bool
    preview: dict[str, KindCountsOut] | None = Field(description="per kind, what the commit would do")
    commit: dict[str, KindCountsOut] | None = Field(description="per kind, what the commit did")
    checks_run: int | None = Field(description="the check run made after the commit (GET /api/checks/runs)")
    changes: list[RowChangeOut] = Field(description="the first updates and removals, each field's old and new value")
    warnings: list[str]
    rows_total: int = Field(description="rows read by the last pass; before any pass, the rows the files declare")
    rows_estimated: bool = Field(description="rows_total is the files' declared rows, not yet counted by a pass")
    rows_done: int
    percent: int
    rejected: int
    errors_url: str | None = Field(description="the error workbook: every rejected row and its reasons")
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class MappingIn(Schema):
    kind: KindName | None = Field(None, description="read the table as another kind (its columns recognised anew)")
    fields: dict[ColumnIndex, FieldName] = Field(
        {}, description="column index (from 0) → field; '' ignores the column; columns not named keep theirs")
    remember: Flag = Field(True, description="apply it again to the next file of the same headers")


def _text(value) -> str:
    return "" if value is None else str(value)


def _counts(counts) -> dict | None:
    if not isinstance(counts, dict):
        return None
    return {kind: {key: int(figures.get(key, 0) or 0) for key in ("add", "update", "unchanged", "rejected", "remove")}
            for kind, figures in counts.items() if isinstance(figures, dict)}


def _table_out(job: ImportJob, index: int, table: dict) -> dict:
    kind = KINDS[table["kind"]]
    return {
        "index": index, "file": job.files[table["file"]]["name"], "sheet": table["sheet"], "kind": kind.name,
        "kind_label": str(kind.label), "export": table["export"], "header_row": table["header_row"],
        "rows": table.get("rows"), "headers": [_text(header) for header in table["headers"]], "fields": table["fields"],
        "unrecognised": [{"index": column, "header": _text(header)} for column, header in table["unrecognised"]],
        "missing": missing_labels(table), "mapped": table.get("mapped", False),
    }


def _import_out(job: ImportJob) -> dict:
    changes = [{"kind": change.get("kind", ""), "action": change.get("action", "update"), "row": change.get("row"),
                "source": _text(change.get("source")),
                "who": _text(change.get("who")),
                "changes": [{"label": _text(label), "old": _text(old), "new": _text(new)}
                            for label, old, new in change.get("changes", [])]}
               for change in job.changes]
    return {
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(), "kind": job.kind,
        "files": [{"name": file["name"], "size": file["size"]} for file in job.files],
        "tables": [_table_out(job, index, table) for index, table in enumerate(job.tables)],
        "needs_mapping": job.needs_mapping, "preview": _counts(job.counts.get("preview")),
        "commit": _counts(job.counts.get("commit")), "checks_run": job.counts.get("checks_run"),
        "changes": changes, "warnings": [_text(warning) for warning in job.warnings],
        "rows_total": job.rows_total, "rows_estimated": not job.rows_counted, "rows_done": job.rows_done,
        "percent": job.percent, "rejected": job.rejected,
        "errors_url": reverse("api:import_errors", args=[job.pk]) if jobs.errors_path(job) else None,
        "error": job.error, "created_at": job.created_at, "finished_at": job.finished_at,
    }


def _refused(exc: ImportRefused):
    return Status(400, {"detail": str(exc)})


def _edited_job(request, job_id: int) -> ImportJob:
    access.require_import(request.auth)
    return jobs.get_job_for_user(request.auth, job_id)


@imports.get("", response=responses({200: list[ImportJobOut]}, 401, 403), url_name="import_jobs")
def list_imports(request):
    """Your recent imports, newest first (at most 50)."""
    access.require_import(request.auth)
    return [_import_out(job) for job in jobs.jobs_for_user(request.auth)[:50]]


@imports.post("", response={**responses({201: ImportJobOut}, 400, 401, 403, 422), **TOO_BIG}, url_name="import_upload")
def upload(request, files: File[list[UploadedFile]], kind: Form[KindName | Literal[""]] = ""):
    """Upload one or several files (multipart `files`; xlsx, xls or csv) and an optional `kind`
    (else recognised by the headers). Answers 201 with the job and the tables found; a table with
    `missing` fields needs a mapping (PUT …/tables/{index}/mapping) before the preview."""
    access.require_import(request.auth)
    if sum(file.size or 0 for file in files) > max_bytes():
        return Status(413, {"detail": too_big_message()})
    try:
        job = jobs.open_job(request.auth, [(file.name or "upload", file) for file in files], kind=kind)
    except ImportRefused as exc:
        return _refused(exc)
    return Status(201, _import_out(job))


@imports.get("/{job_id}", response=responses({200: ImportJobOut}, 401, 403, 404, 422), url_name="import_job")
def get_import(request, job_id: Id):
    """An import's step, tables, progress and (after a pass) counts, updates, warnings; only its
    owner sees it (404 to anyone else)."""
    return _import_out(_edited_job(request, job_id))


@imports.put("/{job_id}/tables/{table_index}/mapping", url_name="import_mapping",
             response=responses({200: TableOut}, 400, 401, 403, 404, 422))
def set_mapping(request, job_id: Id, table_index: whole_number(0, 999), payload: MappingIn):
    """Map a table's columns to fields (the mapping step); answers the table as it is now read.
    400 when two columns are given one field, a field is not the kind's, or the import has started."""
    job = _edited_job(request, job_id)
    if table_index >= len(job.tables):
        raise Http404
    try:
        jobs.set_mapping(job, table_index, {int(column): field for column, field in payload.fields.items()},
                         kind=payload.kind, remember=payload.remember)
    except ImportRefused as exc:
        return _refused(exc)
    return _table_out(job, table_index, job.tables[table_index])


def _step(request, job_id: int, step, status: int = 202):
    job = _edited_job(request, job_id)
    try:
        step(job)
    except ImportRefused as exc:
        return _refused(exc)
    job.refresh_from_db()
    return Status(status, _import_out(job))


@imports.post("/{job_id}/preview", response=responses({202: ImportJobOut}, 400, 401, 403, 404, 422),
              url_name="import_preview")
def start_preview(request, job_id: Id):
    """Check every row and count what a commit would do, writing nothing (in the task worker);
    poll the job until `status` is `previewed`, then read `preview`, `changes` and `errors_url`."""
    return _step(request, job_id, jobs.start_preview)


@imports.post("/{job_id}/commit", response=responses({202: ImportJobOut}, 400, 401, 403, 404, 422),
              url_name="import_commit")
def start_commit(request, job_id: Id):
    """Write the previewed rows into the ledger (in the task worker, in chunks; resumable); poll
    until `status` is `done`. The checks run afterwards (`checks_run`)."""
    return _step(request, job_id, jobs.start_commit)


@imports.post("/{job_id}/resume", response=responses({202: ImportJobOut}, 400, 401, 403, 404, 422),
              url_name="import_resume")
def resume(request, job_id: Id):
    """Go on with a commit whose worker stopped (silent for five minutes) or that failed after
    writing some chunks: from the first chunk not written."""
    return _step(request, job_id, jobs.resume)


@imports.post("/{job_id}/cancel", response=responses({200: ImportJobOut}, 400, 401, 403, 404, 422),
              url_name="import_cancel")
def cancel(request, job_id: Id):
    """Stop the import (what a commit has already written stays, whole)."""
    return _step(request, job_id, jobs.cancel, 200)


@imports.get("/{job_id}/errors", response=responses({200: None}, 401, 403, 404, 422), url_name="import_errors",
             openapi_extra={"responses": {200: {"description": "the error workbook", "content": {
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}})
def errors(request, job_id: Id):
    """The error workbook of the last pass: each rejected row as given, and its reasons (404
    when no row was rejected); every download is written to the audit log."""
    access.require_import(request.auth)
    return errors_download(request.auth, job_id, request=request)
