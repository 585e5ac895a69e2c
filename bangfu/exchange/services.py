"""Running an export: the gate, the declared filters, the row limit and the audit entry."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import plugins
from bangfu.core.permissions import require
from bangfu.exchange import xlsx
from bangfu.regions import codes
from bangfu.regions.models import Region


class UnknownExport(LookupError):
    pass


def run_export(user, name: str, params, *, request=None) -> tuple[bytes, str]:
    """The workbook of a registered export for this user and query string, and its file name."""
    export = plugins.exports().get(name)
    if export is None:
        raise UnknownExport(name)
    require(user, export.perm)
    filters = export.filters.cleaned(params)
    records = export.filters.apply(export.queryset(user), filters, user=user, request=request).order_by(*export.order)
    limit = settings.EXPORT_ROW_LIMIT
    rows = list(records[:limit])
    content = xlsx.workbook(export, rows, xlsx.note(user, len(rows), limit))
    log.record(user, Action.EXPORT, request=request, region_code=user.region.code if user.region_id else "",
               detail={"what": name, "rows": len(rows), "filters": export.filters.for_log(filters)})
    return content, file_name(export, user, filters.get("region", ""))


def file_name(export, user, region_prefix: str) -> str:
    """人员台账-丙妹镇-2026-11-24.xlsx: what, where (the region filtered on, else the user's) and when."""
    code = codes.full_code(region_prefix) if region_prefix else user.region_id
    place = Region.objects.filter(code=code).values_list("name", flat=True).first() if code else None
    return f"{export.title}-{place or _('全国')}-{timezone.localdate().isoformat()}.xlsx"
