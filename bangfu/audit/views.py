from django.shortcuts import render

from bangfu.audit.models import AuditEntry
from bangfu.audit.permissions import VIEW_AUDIT
from bangfu.core.pages import paginate, requires
from bangfu.core.permissions import scope


@requires(VIEW_AUDIT)
def audit_log(request):
    entries = scope(request.user, AuditEntry.objects.select_related("user"), VIEW_AUDIT)
    if request.GET.get("action"):
        entries = entries.filter(action=request.GET["action"])
    if request.GET.get("user"):
        entries = entries.filter(username=request.GET["user"])
    return render(request, "audit/log.html", {"page": paginate(request, entries), "params": request.GET})
