"""An import as the user goes through it: upload → (mapping) → preview → commit, each step a
function called alike by the pages, the API and `bangfu import`.

    job = open_job(user, [("监测对象.xlsx", uploaded_file)])   # files kept, tables described
    if job.needs_mapping: set_mapping(job, 0, {3: "id_number", 7: ""})   # column index → field
    start_preview(job)   # queued for the task worker (or run_preview(job.pk) in the process)
    start_commit(job)    # after the preview: written in chunks, resumable

The files and the error workbook are kept in DATA_DIR/imports/<job>/ (0700/0600) and deleted
when the job expires (IMPORT_KEEP_HOURS). The rows are read again from the files by each pass:
nothing of them is stored in the database but what the commit writes into the ledger.
"""

import datetime
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import datadir
from bangfu.core.permissions import reach_of
from bangfu.exchange import services
from bangfu.exchange.imports import access, columns
from bangfu.exchange.imports.files import UnreadableFile
from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.imports.tables import NoTable, Table, read_tables
from bangfu.exchange.models import ImportJob, ImportMapping

MAX_FILES = 10


class ImportRefused(ValueError):
    """The upload or the step cannot go on; str(exc) says why, in the user's language."""


def imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def job_dir(job: ImportJob) -> Path:
    return imports_dir() / str(job.pk)


def region_prefix(user) -> str:
    """The region the user imports into: '' for a user who reaches everywhere."""
    reach = reach_of(user)
    if reach.everything:
        return ""
    if access.organisation_only(user):
        return f"org{reach.organisation_id}"  # no village code starts so: an operator's rows place nothing
    if reach.region_prefix is None:
        raise ImportRefused(_("您的账号没有所属地区，不能导入"))
    return reach.region_prefix


# --- upload --------------------------------------------------------------------------------------


def open_job(user, uploads, *, kind: str = "") -> ImportJob:
    """Keep the uploaded files ((name, file object, bytes or path) pairs) and describe their
    tables; a table whose shape has a saved mapping gets it. ImportRefused for no file, a kind that
    does not exist, or a file that cannot be read (the job is not kept then)."""
    access.require_import(user)
    kind = kind or access.only_kind(user)
    prefix = region_prefix(user)
    uploads = list(uploads)
    if not uploads:
        raise ImportRefused(_("请选择要导入的文件"))
    if len(uploads) > MAX_FILES:
        raise ImportRefused(_("一次最多导入 %(n)d 个文件") % {"n": MAX_FILES})
    if kind and kind not in KINDS:
        raise ImportRefused(_("没有“%(kind)s”这种导入类型") % {"kind": kind})
    if kind and kind not in access.kind_names(user):
        raise ImportRefused(_("您无权导入“%(kind)s”") % {"kind": KINDS[kind].label})
    job = ImportJob.objects.create(user=user, kind=kind)
    folder = job_dir(job)
    try:
        datadir.make_private(imports_dir())
        datadir.make_private(folder)
        for index, (name, content) in enumerate(uploads):
            stored = f"{index}{Path(name).suffix.lower()[:10]}"
            _store(content, folder / stored)
            size = (folder / stored).stat().st_size
            job.files.append({"name": Path(name).name[:200], "stored": stored, "size": size})
        opened = list(_tables_of(job))
        job.tables = [describe_table(table, index, prefix) for index, table in opened]
        # Until a pass has counted them, the progress bar counts towards the rows the files declare.
        job.rows_total = sum(table.estimated_rows or 0 for _index, table in opened)
    except BaseException as exc:
        job.delete()
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, UnreadableFile | NoTable):
            raise ImportRefused(str(exc)) from None
        raise
    job.save(update_fields=["files", "tables", "rows_total"])
    job.opened = [table for _index, table in opened]  # unread yet: a pass in this process may read them
    return job


def _store(content, path: Path) -> None:
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, datadir.FILE_MODE), "wb") as out:
        if isinstance(content, bytes):
            out.write(content)
        elif isinstance(content, (str, Path)):
            with open(content, "rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
        elif hasattr(content, "chunks"):  # Django's UploadedFile
            for chunk in content.chunks():
                out.write(chunk)
        else:
            shutil.copyfileobj(content, out, 1 << 20)


def _tables_of(job: ImportJob, *, described: bool = False):
    """(file index, Table) for every table of the job's files, in a stable order; with
    `described`, each table takes the kind and column fields the job holds for it."""
    folder = job_dir(job)
    position = 0
    for index, file in enumerate(job.files):
        try:
            tables = read_tables(folder / file["stored"], file["name"], kind=job.kind or None)
        except (UnreadableFile, NoTable) as exc:
            if len(job.files) == 1:
                raise
            # Several files: say which one.
            raise type(exc)(_("文件“%(name)s”：%(reason)s") % {"name": file["name"], "reason": exc}) from None
        for table in tables:
            if described:
                _apply_description(table, job.tables[position])
            position += 1
            yield index, table


def tables_of(job: ImportJob, opened: list[Table] | None = None):
    """The job's tables as the passes read them (kind and columns as described and mapped):
    `opened`, tables of its files not read yet, or its files read again."""
    if opened is None:
        return [table for _index, table in _tables_of(job, described=True)]
    for table, description in zip(opened, job.tables, strict=True):
        _apply_description(table, description)
    return opened


def _apply_description(table: Table, description: dict) -> None:
    table.kind = KINDS[description["kind"]]
    if table.export is not None and table.export.kind != table.kind.name:
        table.export = None
    table.recognition = columns.Recognition({int(k): v for k, v in description["fields"].items()}, [])


def describe_table(table: Table, file_index: int, prefix: str) -> dict:
    """What the job keeps of a table, with a saved mapping of its shape applied."""
    saved = (ImportMapping.objects.filter(region_prefix=prefix, signature=table.signature, kind=table.kind.name)
             .values_list("mapping", flat=True).first())
    mapped = False
    if saved:
        try:
            table.recognition = columns.apply_mapping(saved, table.header.names, table.kind)
            mapped = True
        except columns.MappingError:
            pass
    recognition = table.recognition
    return {
        "file": file_index, "sheet": table.sheet.name, "kind": table.kind.name,
        "export": table.export.name if table.export else "",
        "header_row": table.header.row, "rows": table.estimated_rows,
        "headers": table.header.names, "signature": table.signature,
        "fields": {str(index): field for index, field in recognition.fields.items()},
        "unrecognised": [[index, header] for index, header in recognition.unrecognised],
        "duplicates": [[index, header, field] for index, header, field in recognition.duplicates],
        "missing": recognition.missing(table.kind), "mapped": mapped,
    }


# --- mapping -------------------------------------------------------------------------------------


def set_mapping(job: ImportJob, table_index: int, fields: dict[int, str], *, kind: str | None = None,
                remember: bool = True) -> dict:
    """The user's column → field choices for one table (every column they name; "" ignores a
    column), optionally with another import kind for it; remembered for the next file of the same
    shape. Answers the table's new description. ImportRefused for a job past the preview or
    choices that contradict each other."""
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED):
        raise ImportRefused(_("导入已开始，不能再修改列的对应关系"))
    if not 0 <= table_index < len(job.tables):
        raise ImportRefused(_("没有第 %(n)d 个表格") % {"n": table_index + 1})
    description = job.tables[table_index]
    chosen = KINDS.get(kind or description["kind"])
    if chosen is None:
        raise ImportRefused(_("没有“%(kind)s”这种导入类型") % {"kind": kind})
    if chosen.name not in access.kind_names(job.user):
        raise ImportRefused(_("您无权导入“%(kind)s”") % {"kind": chosen.label})
    headers = description["headers"]
    if any(not 0 <= int(index) < len(headers) for index in fields):
        raise ImportRefused(_("列号超出表格范围"))
    current = {int(k): v for k, v in description["fields"].items()} if chosen.name == description["kind"] else {}
    merged = {**current, **{int(index): field for index, field in fields.items()}}
    try:
        mapping = columns.save_mapping(headers, chosen, merged)
    except columns.MappingError as exc:
        raise ImportRefused(str(exc)) from None
    recognition = columns.apply_mapping(mapping, headers, chosen)
    description.update(
        kind=chosen.name, fields={str(index): field for index, field in recognition.fields.items()},
        unrecognised=[[index, header] for index, header in recognition.unrecognised], duplicates=[],
        missing=recognition.missing(chosen), mapped=True,
        export=description["export"] if chosen.name == description["kind"] else "")
    with transaction.atomic():
        if remember:
            ImportMapping.objects.update_or_create(
                region_prefix=region_prefix(job.user), signature=description["signature"], kind=chosen.name,
                defaults={"mapping": mapping, "user": job.user, "updated_at": timezone.now()})
        job.status = ImportJob.Status.UPLOADED  # a new mapping makes the last preview stale
        job.counts, job.changes, job.warnings = {}, [], []
        job.save(update_fields=["tables", "status", "counts", "changes", "warnings"])
    return description


# --- finding and expiring ------------------------------------------------------------------------


def jobs_for_user(user):
    return services.own_jobs(ImportJob, user)


def get_job_for_user(user, pk: int) -> ImportJob:
    return services.get_own_job(ImportJob, user, pk)


def errors_path(job: ImportJob) -> Path | None:
    """The job's error workbook, if the last pass wrote one and it is still kept."""
    if not job.errors_file:
        return None
    path = job_dir(job) / job.errors_file
    return path if path.is_file() else None


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete the folders of jobs untouched for IMPORT_KEEP_HOURS (their files and error
    workbooks; the jobs stay, expired, as their record). Answers how many folders went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS)
    removed = 0
    old = ImportJob.objects.filter(updated_at__lt=cutoff).exclude(
        status__in=[ImportJob.Status.PREVIEWING, ImportJob.Status.COMMITTING, ImportJob.Status.EXPIRED])
    for job in old.only("pk"):
        shutil.rmtree(job_dir(job), ignore_errors=True)
        removed += ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.EXPIRED, errors_file="")
    return removed


# --- preview and commit --------------------------------------------------------------------------

# A commit silent this long lost its worker (stopped, killed): it may be resumed.
STALLED_AFTER = datetime.timedelta(minutes=5)


def start_preview(job: ImportJob) -> ImportJob:
    """Queue the preview (the task worker runs run_preview). ImportRefused while a column a kind
    needs is not mapped, or once the import is under way."""
    from bangfu.exchange import tasks  # the task module imports this one

    if job.needs_mapping:
        raise ImportRefused(_("还有必填字段没有对应的列：%(fields)s") % {
            "fields": "、".join(f for table in job.tables for f in table.get("missing", ()))})
    moved = ImportJob.objects.filter(pk=job.pk, status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED,
                                                            ImportJob.Status.FAILED]).filter(chunks_done=0)
    if not moved.update(status=ImportJob.Status.PREVIEWING, rows_done=0, error="", updated_at=timezone.now()):
        raise ImportRefused(_("导入已开始，不能再预览"))
    tasks.run_import_preview.enqueue(job.pk)
    job.refresh_from_db()
    return job


def start_commit(job: ImportJob) -> ImportJob:
    """Queue the commit of a previewed job (the task worker runs run_commit)."""
    from bangfu.exchange import tasks

    moved = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED)
    if not moved.update(status=ImportJob.Status.COMMITTING, rows_done=0, updated_at=timezone.now()):
        raise ImportRefused(_("请先预览，确认无误后再导入"))
    tasks.run_import_commit.enqueue(job.pk)
    job.refresh_from_db()
    return job


def resume(job: ImportJob) -> ImportJob:
    """Queue again a commit whose worker stopped (silent for STALLED_AFTER): it goes on after the
    chunks already written, or a failed one from where it failed."""
    from bangfu.exchange import tasks

    stalled = timezone.now() - STALLED_AFTER
    moved = (ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.COMMITTING, updated_at__lt=stalled)
             | ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, chunks_done__gt=0))
    if not moved.update(status=ImportJob.Status.COMMITTING, error="", updated_at=timezone.now()):
        raise ImportRefused(_("此导入没有中断，无需继续"))
    tasks.run_import_commit.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel(job: ImportJob) -> ImportJob:
    """Stop a job before or during its passes. A commit stops after the chunk it is writing: the
    chunks written stay in the ledger (each is whole), and the job says how far it went."""
    finished = [ImportJob.Status.DONE, ImportJob.Status.EXPIRED]
    open_jobs = ImportJob.objects.filter(pk=job.pk).exclude(status__in=finished)
    if not open_jobs.update(status=ImportJob.Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now()):
        raise ImportRefused(_("导入已完成，不能取消"))
    job.refresh_from_db()
    return job


def run_preview(job_id: int, progress=None, *, opened: list[Table] | None = None) -> ImportJob | None:
    """The preview pass (the task): counts, changes, warnings and the error workbook, nothing written."""
    from bangfu.exchange.imports import engine

    job = ImportJob.objects.select_related("user").filter(pk=job_id, status=ImportJob.Status.PREVIEWING).first()
    if job is None:
        return None  # cancelled, or run already
    try:
        job = engine.run_pass(job, write=False, progress=progress, opened=opened)
    except engine.Cancelled:
        return ImportJob.objects.get(pk=job_id)
    except Exception as exc:
        _failed(job, exc)
        raise
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWING).update(
        status=ImportJob.Status.PREVIEWED, updated_at=timezone.now())
    job.refresh_from_db()
    return job


def run_commit(job_id: int, progress=None, *, opened: list[Table] | None = None) -> ImportJob | None:
    """The commit pass (the task), from the first chunk not yet written; then the inspection checks
    over the user's region, as after every import."""
    from bangfu.exchange.checks.runner import run_checks
    from bangfu.exchange.imports import engine

    job = ImportJob.objects.select_related("user").filter(pk=job_id, status=ImportJob.Status.COMMITTING).first()
    if job is None:
        return None
    try:
        job = engine.run_pass(job, write=True, progress=progress, opened=opened)
        run = None if access.organisation_only(job.user) else run_checks(region_prefix(job.user), job.user)
    except engine.Cancelled:
        return ImportJob.objects.get(pk=job_id)
    except Exception as exc:
        _failed(job, exc)
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, counts={**job.counts, "checks_run": run.pk if run else None},
        finished_at=timezone.now(), updated_at=timezone.now())
    job.refresh_from_db()
    return job


def _failed(job: ImportJob, exc: Exception) -> None:
    message = str(exc) or exc.__class__.__name__
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=message[:2000],
                                               finished_at=timezone.now(), updated_at=timezone.now())


def import_files(user, files, *, kind: str = "", dry_run: bool = False, progress=None) -> ImportJob:
    """The whole import in this process (`bangfu import`): files as (name, path) pairs; the preview
    with `dry_run`, else the commit straight away (it counts its rows the same way). ImportRefused
    when a table needs a mapping (made on the page, or saved from an earlier file of its shape)."""
    job = open_job(user, files, kind=kind)
    if job.needs_mapping:
        raise ImportRefused(_("还有必填字段没有对应的列：%(fields)s；请在网页上导入一次以确定列的对应关系") % {
            "fields": "、".join(f for table in job.tables for f in table.get("missing", ()))})
    if dry_run:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWING)
        return run_preview(job.pk, progress, opened=job.opened)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
    return run_commit(job.pk, progress, opened=job.opened)
