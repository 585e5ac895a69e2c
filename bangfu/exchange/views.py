from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bangfu.core.filters import FilterError
from bangfu.exchange import services
from bangfu.exchange.models import ExportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT = 50  # jobs listed on 我的导出


@login_required
@require_GET
def export(request, name):
    """Any registered export (/export/people.xlsx?…the list's filters…): the file at once when it is
    small, else a job for the task worker and its progress page."""
    try:
        started = services.start_export(request.user, name, request.GET, request=request)
    except services.UnknownExport:
        raise Http404 from None
    except FilterError as exc:
        return HttpResponseBadRequest(exc.message)
    if isinstance(started, ExportJob):
        return redirect("export_job", started.pk)
    # At most EXPORT_BACKGROUND_FROM rows (a few hundred kB): sent whole, with its length.
    with started.file as file:
        response = HttpResponse(file.read(), content_type=XLSX)
    response["Content-Disposition"] = attachment(started.file_name, fallback=f"{name}.xlsx")
    return response


@login_required
def job_list(request):
    """我的导出: the user's recent exports, their state and downloads."""
    jobs = list(services.jobs_for_user(request.user)[:RECENT])
    return render(request, "exchange/job_list.html", {"jobs": jobs, "keep_hours": settings.EXPORT_KEEP_HOURS})


@login_required
def job_detail(request, pk):
    """One export's progress; htmx asks for the progress part again every second until it ends."""
    job = services.get_job_for_user(request.user, pk)
    template = "exchange/_job_progress.html" if request.htmx else "exchange/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def download(request, pk):
    return xlsx_response(services.open_download(request.user, pk, request=request), fallback=f"export-{pk}.xlsx")


def xlsx_response(written: services.Written, fallback: str) -> FileResponse:
    response = FileResponse(written.file, content_type=XLSX)
    response["Content-Disposition"] = attachment(written.file_name, fallback=fallback)
    return response


def attachment(filename: str, fallback: str) -> str:
    """The Chinese file name for every current browser (RFC 6266 / RFC 5987 `filename*`), and an
    ASCII one for clients that know only `filename`."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
