from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from bangfu.core import plugins
from bangfu.core.permissions import covers, has_perm, reach_of
from bangfu.regions import codes
from bangfu.regions.models import Region


def figures_for(user) -> list[plugins.RegionFigure]:
    return [figure for figure in plugins.region_figures() if has_perm(user, figure.perm)]


@login_required
def regions(request, code=None):
    """The tree below the user's region, with each app's figures under every node."""
    figures = figures_for(request.user)
    reach = reach_of(request.user)
    if not figures or reach.region_prefix is None:
        raise Http404
    if code is None:
        node = request.user.region
    else:
        node = Region.objects.filter(code=code).first()
        if node is None or not covers(request.user, node.code):
            raise Http404
    if node is None:  # an administrator without a region starts at the provinces
        children, prefix, ancestors = Region.objects.filter(level=codes.PROVINCE), "", []
    else:
        children, prefix = Region.objects.filter(parent_code=node.code), node.prefix
        ancestors = [r for r in node.ancestors() if covers(request.user, r.code)]
    children = list(children.order_by("code"))
    counts = {}
    for figure in figures:
        counts[figure.key] = {}
        for level in {child.level for child in children}:
            counts[figure.key].update(figure.by_child(request.user, prefix, level))
    rows = [(child, [(f, counts[f.key].get(child.code, 0)) for f in figures]) for child in children]
    totals = [figure.total(request.user, prefix) for figure in figures]
    # kept figures that still wait for a recount say since when they stand
    readings = [figure.reading(request.user, prefix) for figure in figures if figure.reading]
    return render(request, "regions/tree.html", {
        "node": node, "ancestors": ancestors, "rows": rows, "figures": figures,
        "totals": list(zip(figures, totals, strict=True)),
        "readings": [reading for reading in readings if not reading.fresh],
    })
