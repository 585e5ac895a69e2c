"""Pages of the imports: upload → the tables found (and the mapping step) → preview → commit →
result, each step one function of imports/jobs.py; the blank templates to download.

Every refusal (no file, a file that cannot be read, one field chosen for two columns, a step out
of turn) is shown on the page as the step's message; another user's job is 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.exchange.checks import selectors as check_selectors
from bangfu.exchange.checks.models import CheckRun
from bangfu.exchange.imports import jobs, monitoring
from bangfu.exchange.imports.access import kinds_for, requires_import
from bangfu.exchange.imports.jobs import ImportRefused
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.imports.templates import region_names, template
from bangfu.exchange.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 50  # jobs listed on 我的导入
# Multipart overhead allowed above IMPORT_MAX_MB (boundaries, part headers, the form's fields).
ENVELOPE = 64 * 1024


@login_required
def template_download(request, kind):
    """/import/template/person.xlsx: the blank workbook of an import kind, with the user's
    townships and villages in its lists (names of places only: no personal data)."""
    chosen = KINDS.get(kind)
    if chosen is None:
        raise Http404
    prefix = request.user.reach.region_prefix
    content = template(chosen, region_names(prefix) if prefix is not None else {})
    filename = _("%(kind)s导入模板.xlsx") % {"kind": chosen.label}
    return HttpResponse(content, content_type=XLSX,
                        headers={"Content-Disposition": content_disposition_header(True, filename)})


# --- upload --------------------------------------------------------------------------------------


def max_bytes() -> int:
    return settings.IMPORT_MAX_MB * 2**20


def too_big_message() -> str:
    return _("文件过大：一次上传的文件合计不能超过 %(mb)d MB") % {"mb": settings.IMPORT_MAX_MB}


class SizeLimit(FileUploadHandler):
    """Stops reading an upload past IMPORT_MAX_MB (for a request that did not say its length)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # checked by _upload, once the upload handlers are set (Django's documented way)
@requires_import
def upload(request):
    """导入: one or several files, an optional kind; the job page follows."""
    limit = None
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes() + ENVELOPE:
            # Refused before the body is read: nothing is stored, so no token is needed for it.
            return _upload_form(request, too_big_message(), status=413)
        # Each file straight to a temporary file (never held in memory), counted as it arrives.
        limit = SizeLimit(request)
        request.upload_handlers = [limit, TemporaryFileUploadHandler(request)]
    return _upload(request, limit)


@csrf_protect
def _upload(request, limit: SizeLimit | None):
    if request.method != "POST":
        return _upload_form(request)
    files = request.FILES.getlist("files")  # read (the upload handlers run) before `exceeded` is known
    if limit is not None and limit.exceeded:
        return _upload_form(request, too_big_message(), status=413)
    kind = request.POST.get("kind", "")
    jobs.remove_expired()  # each upload clears the folders of jobs left for IMPORT_KEEP_HOURS
    try:
        job = jobs.open_job(request.user, [(file.name, file) for file in files], kind=kind)
    except ImportRefused as exc:
        return _upload_form(request, str(exc), kind=kind)
    return redirect("import_job", job.pk)


def _upload_form(request, error: str = "", *, kind: str = "", status: int = 200):
    return render(request, "exchange/imports/upload.html", {
        "kinds": kinds_for(request.user), "kind": kind, "error": error, "max_mb": settings.IMPORT_MAX_MB,
        "recent": jobs.jobs_for_user(request.user)[:5],
    }, status=status)


@requires_import
def job_list(request):
    """我的导入: the user's imports, newest first."""
    return render(request, "exchange/imports/job_list.html", {
        "jobs": list(jobs.jobs_for_user(request.user)[:RECENT]), "keep_hours": settings.IMPORT_KEEP_HOURS})


# --- the job ---------------------------------------------------------------------------------------


@requires_import
def job_detail(request, pk):
    """The job in whichever step it is. htmx polls the progress part while a pass runs; when it
    ends, the whole page is loaded again to show the preview or the result."""
    job = jobs.get_job_for_user(request.user, pk)
    if request.htmx:
        if job.busy:
            return render(request, "exchange/imports/_progress.html", {"job": job, "stalled": stalled(job)})
        return HttpResponse(headers={"HX-Refresh": "true"})
    return _job_page(request, job)


def stalled(job: ImportJob) -> bool:
    """A commit whose worker has been silent too long (stopped, killed): the user may resume it."""
    return job.status == ImportJob.Status.COMMITTING and job.updated_at < timezone.now() - jobs.STALLED_AFTER


def _job_page(request, job: ImportJob, *, table_error: tuple[int, str, dict] | None = None, status: int = 200):
    """`table_error`: (table index, message, the columns as posted) of a refused mapping."""
    return render(request, "exchange/imports/job.html", {
        "job": job, "tables": [table_view(job, index, table_error) for index in range(len(job.tables))],
        "kinds": kinds_for(request.user), "preview": kind_counts(job.counts.get("preview")),
        "result": kind_counts(job.counts.get("commit")), "errors_ready": jobs.errors_path(job) is not None,
        "updates": [change for change in job.changes if change.get("action") != "remove"],
        "removals": [change for change in job.changes if change.get("action") == "remove"],
        "checks_found": checks_found(job), "stalled": stalled(job),
        "editable": job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED),
        "can_preview": job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.FAILED) and not job.chunks_done,
        "can_resume": job.status == ImportJob.Status.FAILED and job.chunks_done > 0,
    }, status=status)


def checks_found(job: ImportJob) -> int | None:
    """What the checks run after the commit found in the user's region; None when the user's view
    is narrowed (the run counts records they do not see, as the home page knows)."""
    run = CheckRun.objects.filter(pk=job.counts.get("checks_run") or 0).first()
    if run is None or check_selectors.findings_in_reach(job.user) is None:
        return None
    return sum(run.counts.values())


def table_view(job: ImportJob, index: int, table_error=None) -> dict:
    """What the page shows of a table: its description, and each column with the field it is
    read as and the fields it could be (the mapping step's choices)."""
    table = job.tables[index]
    kind = KINDS[table["kind"]]
    fields = table["fields"]
    posted = table_error[2] if table_error and table_error[0] == index else None
    unrecognised = {column for column, _header in table["unrecognised"]}
    duplicates = {column: field for column, _header, field in table.get("duplicates", [])}
    labels = {field.name: str(field.label) for field in kind.fields}
    columns = []
    for column, header in enumerate(table["headers"]):
        if not str(header).strip() and str(column) not in fields:
            continue  # a blank column: nothing to map
        chosen = posted.get(column, "") if posted is not None else fields.get(str(column), "")
        columns.append({
            "index": column, "letter": column_letter(column), "header": header, "field": chosen,
            "label": labels.get(fields.get(str(column), ""), ""),
            "unrecognised": column in unrecognised,
            "duplicate_of": labels.get(duplicates.get(column, ""), ""),
        })
    export = monitoring.export_title(table["export"]) if table["export"] else ""
    return {
        "index": index, "number": index + 1, "file": job.files[table["file"]]["name"], "sheet": table["sheet"],
        "kind": kind, "export": export, "header_row": table["header_row"], "columns": columns,
        "missing": missing_labels(table), "unrecognised": len(unrecognised), "duplicates": len(duplicates),
        "mapped": table.get("mapped", False), "rows": table.get("rows") if not job.rows_counted else None,
        "needs_step": bool(table["missing"] or unrecognised or duplicates or posted is not None),
        "choices": [(field.name, str(field.label), field.required) for field in kind.fields],
        "error": table_error[1] if table_error and table_error[0] == index else "",
    }


def missing_labels(table: dict) -> list[str]:
    """The required fields no column gives, labelled in the language of this request (the job
    keeps them in the uploader's)."""
    given = set(table["fields"].values())
    return [str(field.label) for field in KINDS[table["kind"]].required if field.name not in given]


def column_letter(index: int) -> str:
    """The spreadsheet's name of a column (0 → A, 27 → AB), as the user sees it in Excel."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def kind_counts(counts: dict | None) -> list[dict] | None:
    """{kind: {add, update, unchanged, rejected[, remove]}} as rows with the kind's label. A kind
    that removes records (a roster replaces its months) has a "remove"; when one has, every row
    says `removing` (the table shows the column) and the others' is None."""
    if not counts:
        return None
    rows = []
    for name, figures in counts.items():
        kind = KINDS.get(name)
        if kind is None or not isinstance(figures, dict):
            continue
        rows.append({"kind": kind, **{key: figures.get(key, 0) for key in ("add", "update", "unchanged", "rejected")},
                     "remove": figures.get("remove")})
    removing = any(row["remove"] is not None for row in rows)
    for row in rows:
        row["removing"] = removing
    return rows


@requires_import
def mapping(request, pk, index):
    """The mapping step of one table: another kind for it, or every column's field. (A GET, such
    as the language switcher's return to a refused mapping's page, goes to the job's page.)"""
    job = jobs.get_job_for_user(request.user, pk)
    if index >= len(job.tables):
        raise Http404
    if request.method != "POST":
        return redirect(f"{reverse('import_job', args=[job.pk])}#table-{index + 1}")
    remember = request.POST.get("remember") == "on"
    try:
        if "change_kind" in request.POST:
            jobs.set_mapping(job, index, {}, kind=request.POST.get("kind", ""), remember=False)
            messages.success(request, _("已改为按“%(kind)s”读取第 %(n)d 个表格") % {
                "kind": KINDS[job.tables[index]["kind"]].label, "n": index + 1})
        else:
            posted = posted_columns(request.POST, len(job.tables[index]["headers"]))
            try:
                jobs.set_mapping(job, index, posted, remember=remember)
            except ImportRefused as exc:
                return _job_page(request, job, table_error=(index, str(exc), posted), status=400)
            messages.success(request, _("第 %(n)d 个表格的列对应关系已保存") % {"n": index + 1}
                             + (_("，下次导入同样表头的文件时自动套用") if remember else ""))
    except ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect("import_job", job.pk)


def posted_columns(data, count: int) -> dict[int, str]:
    """The form's `column-<index>` selects: column index → field ("" ignores the column)."""
    posted = {}
    for key, value in data.items():
        if key.startswith("column-") and key[7:].isdigit() and int(key[7:]) < count:
            posted[int(key[7:])] = value
    return posted


def _step(request, pk, step, done: str):
    job = jobs.get_job_for_user(request.user, pk)
    try:
        step(job)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("import_job", job.pk)


@require_POST
@requires_import
def preview(request, pk):
    return _step(request, pk, jobs.start_preview, "")


@require_POST
@requires_import
def commit(request, pk):
    return _step(request, pk, jobs.start_commit, "")


@require_POST
@requires_import
def resume(request, pk):
    """继续导入: a commit whose worker stopped, or that failed after some chunks, goes on."""
    return _step(request, pk, jobs.resume, "")


@require_POST
@requires_import
def cancel(request, pk):
    return _step(request, pk, jobs.cancel, _("导入已取消"))


@requires_import
def errors(request, pk):
    return errors_download(request.user, pk, request=request)


def errors_download(user, pk: int, *, request=None) -> FileResponse:
    """The job's error workbook (the page's and the API's): every rejected row as given, with its
    reasons; 404 for another user's job or one without. Audited like an export's download: the
    rows carry the identifiers as they were uploaded."""
    job = jobs.get_job_for_user(user, pk)
    path = jobs.errors_path(job)
    if path is None:
        raise Http404
    log.record(user, Action.EXPORT, job, request=request, region_code=user.region_id or "",
               detail={"what": "import_errors", "rows": job.rejected, "download": True})
    return FileResponse(open(path, "rb"), content_type=XLSX, as_attachment=True,  # noqa: SIM115 -- the response closes it
                        filename=errors_file_name(job))


def errors_file_name(job: ImportJob) -> str:
    first = job.files[0]["name"].rsplit(".", 1)[0] if job.files else str(job.pk)
    return _("%(name)s-未通过的行.xlsx") % {"name": first}
