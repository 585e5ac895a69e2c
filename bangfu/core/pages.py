"""Page plumbing every app's views share: the permission decorator and paging of long lists."""

import re
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from bangfu.core.permissions import require


def requires(perm: str):
    """Logged in and holding the permission; the region check happens in the scoped fetch."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: a list of a whole county says "10,000+" instead of
    counting a million rows on every page view (the home page gives the exact totals)."""

    @cached_property
    def count(self):
        # Only the ids, unsorted and unjoined: the database may stop at the first COUNT_CAP + 1 matches.
        counted = self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


def paginate(request, queryset, per_page: int | None = None):
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page.query = params.urlencode()
    return page


def write_guard(request, record=None) -> dict:
    """Hidden fields of an edit or create form: the version the user edits (a stale edit is refused)
    and a submission key (a double submission creates one record). A re-shown form keeps both."""
    version = request.POST.get("version") if request.method == "POST" else None
    if version is None and record is not None:
        version = getattr(record, "version", "")
    key = posted_key(request) or uuid.uuid4().hex
    return {"guard_version": version or "", "guard_key": key}


def posted_version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def posted_key(request) -> str | None:
    value = request.POST.get("submission", "") if request.method == "POST" else ""
    return value if re.fullmatch(r"[0-9a-f]{32}", value) else None
