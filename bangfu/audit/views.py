from django.shortcuts import render

from bangfu.audit import display
from bangfu.audit.filters import audit_filters, checked
from bangfu.audit.models import AuditEntry
from bangfu.audit.permissions import VIEW_AUDIT
from bangfu.core.filters import FilterError
from bangfu.core.pages import paginate, requires
from bangfu.core.permissions import scope


@requires(VIEW_AUDIT)
def audit_log(request):
    entries = scope(request.user, AuditEntry.objects.select_related("user"), VIEW_AUDIT)
    error = None
    try:
        checked(request.GET)
        entries = audit_filters().apply(entries, request.GET)
    except FilterError as exc:
        error, entries = exc.message, entries.none()
    page = paginate(request, entries)
    return render(request, "audit/log.html", {
        "page": page, "rows": display.describe(page, request.user), "params": request.GET, "error": error,
        "actions": audit_filters().filters["action"].choices, "kinds": audit_filters().filters["type"].choices,
    })
