from django.shortcuts import render

from bangfu.audit import display
from bangfu.audit.filters import audit_filters, checked
from bangfu.audit.models import AuditEntry
from bangfu.audit.permissions import VIEW_AUDIT
from bangfu.core.filters import FilterError
from bangfu.core.pages import paginate, query_values, requires
from bangfu.core.permissions import scope


@requires(VIEW_AUDIT)
def audit_log(request):
    entries = scope(request.user, AuditEntry.objects.select_related("user"), VIEW_AUDIT)
    error = page = None
    try:
        checked(request.GET)
        page = paginate(request, audit_filters().apply(entries, request.GET))
    except FilterError as exc:  # a bad filter, page or page size
        error = exc.message
    return render(request, "audit/log.html", {
        "page": page, "rows": display.describe(page or [], request.user), "params": query_values(request.GET),
        "error": error,
        "actions": audit_filters().filters["action"].choices, "kinds": audit_filters().filters["type"].choices,
    })
