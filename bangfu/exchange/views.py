from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from bangfu.exchange.services import UnknownExport, run_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export(request, name):
    """Any registered export as xlsx (/export/people.xlsx?…the list's filters…)."""
    try:
        content, filename = run_export(request.user, name, request.GET, request=request)
    except UnknownExport:
        raise Http404 from None
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment(filename, fallback=f"{name}.xlsx")
    return response


def attachment(filename: str, fallback: str) -> str:
    """The Chinese file name for every current browser (RFC 6266 / RFC 5987 `filename*`), and an
    ASCII one for clients that know only `filename`."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
