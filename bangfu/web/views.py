from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from bangfu.accounts.permissions import Perm, has_perm, scope
from bangfu.audit.models import AuditEntry
from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import selectors, stats
from bangfu.web.decorators import requires
from bangfu.web.pagination import paginate


@login_required
def home(request):
    """The user's region at a glance; every figure links to the list it counts."""
    context = {"region": request.user.region}
    if has_perm(request.user, Perm.VIEW_LEDGER):
        figures = stats.person_counts(selectors.people_for_user(request.user))
        people_url = reverse("person_list")
        context["figures"] = {
            key: {"value": figures[key], "url": people_url + (f"?{urlencode(query)}" if query else "")}
            for key, (_, query) in stats.PERSON_FIGURES.items()
        }
        context["households"] = stats.household_counts(selectors.households_for_user(request.user))
    return render(request, "web/home.html", context)


@requires(Perm.VIEW_LEDGER)
def regions(request, code=None):
    """Browse the tree below the user's region with the number of people under each node."""
    prefix = request.user.region_prefix
    if code is None:
        node = request.user.region
    else:
        node = Region.objects.filter(code=code).first()
        if node is None or not codes.covers(prefix, node.code):
            raise Http404
    if node is None:  # an administrator without a region starts at the provinces
        children = Region.objects.filter(level=codes.PROVINCE)
        counts = stats.counts_by_child(selectors.people_for_user(request.user), "", codes.PROVINCE)
        ancestors = []
    else:
        children = Region.objects.filter(parent_code=node.code)
        counts = (stats.counts_by_child(selectors.people_for_user(request.user), node.prefix, node.level + 1)
                  if node.level < codes.VILLAGE else {})
        ancestors = [r for r in node.ancestors() if codes.covers(prefix, r.code)]
    rows = [(child, counts.get(child.code, 0)) for child in children.order_by("code")]
    return render(request, "web/regions.html", {
        "node": node, "ancestors": ancestors, "rows": rows, "total": sum(counts.values()),
    })


@requires(Perm.VIEW_AUDIT)
def audit_log(request):
    entries = scope(request.user, AuditEntry.objects.select_related("user"), perm=Perm.VIEW_AUDIT)
    if request.GET.get("action"):
        entries = entries.filter(action=request.GET["action"])
    if request.GET.get("user"):
        entries = entries.filter(username=request.GET["user"])
    return render(request, "web/audit.html", {"page": paginate(request, entries), "params": request.GET})
