"""Pages of the imports (this session: the template download)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from bangfu.exchange.imports.kinds import KINDS
from bangfu.exchange.imports.templates import region_names, template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
