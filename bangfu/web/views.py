from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from bangfu.core import plugins
from bangfu.core.permissions import has_perm


@login_required
def home(request):
    """The user's region at a glance: each app's section that the user's role may see."""
    sections = [
        mark_safe(render_to_string(section.template, section.context(request.user), request))  # noqa: S308
        for section in plugins.home_sections() if section.perm is None or has_perm(request.user, section.perm)
    ]
    return render(request, "web/home.html", {"region": request.user.region, "sections": sections})
