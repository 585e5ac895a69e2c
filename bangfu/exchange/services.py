"""Running an export: the gate, the declared filters, the count that decides between writing the
file at once and queueing it for the task worker, the row limit, the audit entries and the files'
expiry."""

import dataclasses
import datetime
import os
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import datadir, plugins
from bangfu.core.exports import Export
from bangfu.core.pages import exact_count
from bangfu.core.permissions import require
from bangfu.exchange import xlsx
from bangfu.exchange.models import ExportJob
from bangfu.regions import codes
from bangfu.regions.models import Region


class UnknownExport(LookupError):
    pass


@dataclasses.dataclass
class Asked:
    """An export asked for: what, with which (checked) filters, and how many rows it holds."""

    export: Export
    filters: dict[str, str]
    count: int

    @property
    def rows(self) -> int:
        return min(self.count, settings.EXPORT_ROW_LIMIT)

    @property
    def in_background(self) -> bool:
        return self.rows > settings.EXPORT_BACKGROUND_FROM


@dataclasses.dataclass
class Written:
    file: object        # an open binary file at its start; closed by whoever sends it
    file_name: str


def registered(name: str) -> Export:
    export = plugins.exports().get(name)
    if export is None:
        raise UnknownExport(name)
    return export


def records(export: Export, user, filters: dict[str, str], *, request=None) -> QuerySet:
    """The rows of the export the user may see, filtered and in order (not yet limited)."""
    queryset = export.filters.apply(export.queryset(user), filters, user=user, request=request)
    return queryset.order_by(*export.order)


def ask(user, name: str, params, *, request=None) -> Asked:
    """Gate and filters checked, rows counted (FilterError for a bad filter)."""
    export = registered(name)
    require(user, export.perm)
    filters = export.filters.cleaned(params)
    return Asked(export, filters, exact_count(records(export, user, filters, request=request)))


def start_export(user, name: str, params, *, request=None) -> Written | ExportJob:
    """A small export written now (a temporary file), a big one queued as an ExportJob."""
    asked = ask(user, name, params, request=request)
    if asked.in_background:
        return queue(user, asked, request=request)
    return write_now(user, asked, request=request)


def write_now(user, asked: Asked, *, request=None) -> Written:
    # A nameless file in the private data folder: gone when closed, never readable by others.
    datadir.make_private(exports_dir())
    out = tempfile.TemporaryFile(dir=exports_dir())  # noqa: SIM115 -- closed by the view
    try:
        rows = _write(user, asked, out, request=request)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    _log(user, asked, rows, request=request)
    return Written(out, file_name(asked.export, user, asked.filters.get("region", "")))


def _write(user, asked: Asked, out, *, request=None, progress=None) -> int:
    queryset = records(asked.export, user, asked.filters, request=request)[:settings.EXPORT_ROW_LIMIT]
    # In chunks from the database (a server-side cursor on PostgreSQL): never the whole list in memory.
    rows = queryset.iterator(chunk_size=xlsx.CHUNK)
    note = xlsx.note(user, asked.count, settings.EXPORT_ROW_LIMIT)
    return xlsx.write(asked.export, rows, note, out, progress=progress)


def _region_code(user) -> str:
    return user.region.code if user.region_id else ""


def _log(user, asked: Asked, rows: int, *, request=None, **more) -> None:
    log.record(user, Action.EXPORT, request=request, region_code=_region_code(user),
               detail={"what": asked.export.name, "rows": rows, "filters": asked.export.filters.for_log(asked.filters),
                       **more})


def file_name(export, user, region_prefix: str) -> str:
    """人员台账-丙妹镇-2026-11-24.xlsx: what, where (the region filtered on, else the user's) and when."""
    code = codes.full_code(region_prefix) if region_prefix else user.region_id
    place = Region.objects.filter(code=code).values_list("name", flat=True).first() if code else None
    return f"{export.title}-{place or _('全国')}-{timezone.localdate().isoformat()}.xlsx"


# --- in the background -------------------------------------------------------------------------

def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def queue(user, asked: Asked, *, request=None) -> ExportJob:
    """An ExportJob for the task worker; the request's audit entry says what was asked for."""
    from bangfu.exchange import tasks  # the task module imports this one

    job = ExportJob.objects.create(user=user, export=asked.export.name, title=str(asked.export.title),
                                   params=asked.filters, rows_total=asked.rows)
    _log(user, asked, asked.rows, request=request, job=job.pk, background=True)
    tasks.run_export_job.enqueue(job.pk)
    return job


def run_job(job_id: int) -> None:
    """The task: write the job's file into the data folder, reporting progress as it goes."""
    remove_expired()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, updated_at=timezone.now())
    if not claimed:
        return  # gone, or already run
    job = ExportJob.objects.select_related("user__region").get(pk=job_id)
    user = job.user
    folder = exports_dir()
    datadir.make_private(folder)
    name = f"{job.pk}-{secrets.token_hex(8)}.xlsx"
    path = folder / name
    try:
        export = registered(job.export)
        require(user, export.perm)  # the role may have changed since it was asked for
        # Counted again: the list may have changed while the job waited.
        asked = Asked(export, job.params, records(export, user, job.params).count())
        ExportJob.objects.filter(pk=job.pk).update(rows_total=asked.rows)

        def progress(rows: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=rows, updated_at=timezone.now())

        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, datadir.FILE_MODE), "wb") as out:
            rows = _write(user, asked, out, progress=progress)
    except Exception as exc:
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, rows_done=rows, rows_total=rows, file=name, finished_at=timezone.now(),
        file_name=file_name(export, user, job.params.get("region", "")))


def own_jobs(model, user) -> QuerySet:
    """The user's own jobs of a kind (exports, imports), newest first: nobody else's, whatever their role."""
    return model.objects.filter(user=user).order_by("-created_at", "-id")


def get_own_job(model, user, pk: int):
    """One of the user's own jobs, or 404 alike for another user's and for none."""
    job = own_jobs(model, user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def jobs_for_user(user) -> QuerySet:
    return own_jobs(ExportJob, user)


def get_job_for_user(user, pk: int) -> ExportJob:
    return get_own_job(ExportJob, user, pk)


def open_download(user, pk: int, *, request=None) -> Written:
    """The finished file of the user's job (404 for another user's, an unfinished or an expired
    one); each download is audited."""
    job = get_job_for_user(user, pk)
    path = exports_dir() / (job.file or "-")
    if job.status != ExportJob.Status.DONE or job.expires_at <= timezone.now() or not path.is_file():
        raise Http404
    log.record(user, Action.EXPORT, job, request=request, region_code=_region_code(user),
               detail={"what": job.export, "rows": job.rows_done, "download": True})
    return Written(open(path, "rb"), job.file_name)  # noqa: SIM115 -- closed by the response


STALLED_AFTER = datetime.timedelta(minutes=15)


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs finished more than EXPORT_KEEP_HOURS ago (the jobs stay, expired),
    and any file in the folder no job names; a running job that has not reported for STALLED_AFTER
    lost its worker and is marked failed. Answers the number of jobs expired."""
    now = now or timezone.now()
    ExportJob.objects.filter(status=ExportJob.Status.RUNNING, updated_at__lt=now - STALLED_AFTER).update(
        status=ExportJob.Status.FAILED, error="the worker stopped while writing the file", finished_at=now)
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    old = ExportJob.objects.filter(status=ExportJob.Status.DONE, finished_at__lt=cutoff).exclude(file="")
    expired = 0
    for job in old.only("pk", "file"):
        (exports_dir() / job.file).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
    folder = exports_dir()
    if folder.is_dir():
        kept = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
        for path in folder.iterdir():
            if path.is_file() and path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
    return expired
