"""Page plumbing every app's views share: the permission decorator and paging of long lists
(exact counts, page numbers, page sizes, sortable columns)."""

import dataclasses
import hashlib
import math
import re
import time
import uuid
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from bangfu.core.filters import FilterError
from bangfu.core.permissions import Forbidden, require
from bangfu.core.sorting import Sorting, reverse_fields, with_tiebreaker
from bangfu.core.writes import StaleEdit


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

PAGE_SIZES = (20, 50, 100)
PAGE_WINDOW = 2  # page links either side of the current one
# An exact count that took a while (a long list, or a filter no index serves) is kept this long per
# query (the query holds the user's scope and filters); quick counts are made on every view.
COUNT_CACHE_SECONDS = 60
COUNT_KEEP_FROM_MS = 20


def exact_count(queryset) -> int:
    """The number of rows, counted at most once a minute when counting takes a while.

    Any save or delete of the model forgets the kept counts of that model (`forget_counts`): at
    once for every server process when the cache is shared (CACHES), else in the process that
    saw the change, the others within the minute."""
    try:
        signature = _signature(queryset)
    except EmptyResultSet:  # a filter no row can match (pk__in=[]), known without asking
        return 0
    label = queryset.model._meta.label
    digest = hashlib.sha256(repr(signature).encode()).hexdigest()
    key = f"list-count:{label}:{cache.get(_generation_key(label), 0)}:{digest}"
    count = cache.get(key)
    if count is None:
        started = time.perf_counter()
        counted_by = queryset._hints.get(COUNTED_BY)
        # The cheaper count holds only for the query it was given with, not one filtered further.
        count = counted_by[1]() if counted_by and counted_by[0] == signature else queryset.order_by().count()
        if (time.perf_counter() - started) * 1000 >= COUNT_KEEP_FROM_MS:
            cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


COUNTED_BY = "bangfu_counted_by"


def counted_by(queryset, counter):
    """The queryset, to be counted by `counter()` instead of COUNT(*) while it is unchanged.

    For a query whose COUNT(*) no index serves but whose rows split into parts that each count
    from an index alone (a search by either of two prefixes: one part, plus the other without
    the first). The hint travels with the queryset's copies (ordering, select_related); any
    further filter changes its SQL, and `exact_count` then counts that query itself."""
    counted = queryset.all()
    counted._hints = {**counted._hints, COUNTED_BY: (_signature(queryset), counter)}
    return counted


def _signature(queryset) -> tuple:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


def _generation_key(label: str) -> str:
    return f"list-count-generation:{label}"


@receiver(post_save)
@receiver(post_delete)
def forget_counts(sender, **kwargs) -> None:
    key = _generation_key(sender._meta.label)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr: a fresh generation is as good
        cache.set(key, 1, None)


def _whole(params, name: str, label, default: int, choices=None) -> int:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1):
        raise FilterError(name, _("“%(f)s”应为正整数，收到“%(v)s”") % {"f": label, "v": raw[:20]})
    if choices and int(raw) not in choices:
        raise FilterError(name, _("每页条数只能是 %(sizes)s") % {"sizes": _("、").join(map(str, choices))})
    return int(raw)


def rows_of_page(queryset, fields, start: int, stop: int, count: int) -> list:
    """Rows start..stop of the ordered queryset: their ids first, then the rows of those ids.

    The ids come from the indexes alone where one holds the order and the filter (a search's
    prefix index holds the id and the region code, so its matches sort without reading a row;
    a page deep in a long list skips ids within the index, not rows). Past the middle of the list
    the ids are read from its end in the reverse order, so the last page of a million rows skips
    a few rows, not a million (the count is exact, so both ends agree)."""
    if start > count // 2 and all(isinstance(field, str) for field in fields):
        rows = rows_of_page(queryset, reverse_fields(fields), count - stop, count - start, count)
        rows.reverse()
        return rows
    ids = list(queryset.order_by(*fields).values_list("pk", flat=True)[start:stop])
    found = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclasses.dataclass
class ListPage:
    """One page of a list, with what the pager and the column headings need."""

    rows: list
    number: int
    size: int
    count: int
    num_pages: int
    start: int  # the 序号 of the first row, from 1
    query: str  # the query string without the page (for exports and page links)
    sort_query: str = ""  # without page and sort (for the column headings)
    size_query: str = ""  # without page and size (a new size starts at page 1)
    sort_links: dict = dataclasses.field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def sizes(self):
        return PAGE_SIZES

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    def numbered(self):
        """(序号, row) pairs."""
        return zip(range(self.start, self.start + len(self.rows)), self.rows, strict=True)

    def links(self) -> list[int | None]:
        """Page numbers to link: the first, the last and a window around this one; None is a gap."""
        shown = sorted({1, self.num_pages, *range(max(1, self.number - PAGE_WINDOW),
                                                   min(self.num_pages, self.number + PAGE_WINDOW) + 1)})
        links: list[int | None] = []
        for number in shown:
            if links and number - links[-1] > 1:
                links.append(None)
            links.append(number)
        return links


def paginate(request, queryset, sorting: Sorting | None = None) -> ListPage:
    """The page the query string asks for: `page` (past the end: the last page), `size` (20, 50 or
    100) and, for a list that declares its orders, `sort`. A malformed value is a FilterError (400)."""
    params = request.GET
    size = _whole(params, "size", _("每页条数"), settings.PAGE_SIZE, PAGE_SIZES)
    number = _whole(params, "page", _("页码"), 1)
    if sorting is not None:
        key, descending = sorting.parse(params.get("sort"))
        fields = sorting.fields(key, descending)
    else:
        fields = with_tiebreaker(queryset.query.order_by or queryset.model._meta.ordering)
    count = exact_count(queryset)
    num_pages = max(1, math.ceil(count / size))
    number = min(number, num_pages)
    start = (number - 1) * size
    rows = rows_of_page(queryset, fields, start, min(start + size, count), count)
    page = ListPage(rows, number, size, count, num_pages, start + 1, _query(params, "page"),
                    _query(params, "page", "sort"), _query(params, "page", "size"))
    if sorting is not None:
        for sort in sorting.sorts.values():
            current = sort.key == key
            # A heading sorts by its column; clicked again, it reverses the order.
            value = f"-{sort.key}" if current and not descending else sort.key
            page.sort_links[sort.key] = {
                "label": sort.label,
                "url": "?" + (f"{page.sort_query}&" if page.sort_query else "") + f"sort={value}",
                "direction": ("desc" if descending else "asc") if current else "",
            }
    return page


def query_values(params) -> defaultdict:
    """The query string's values as templates read them (`params.region`): a name not given reads
    as "" at once, where a QueryDict would send each failed lookup down the template engine's
    slow path (a `dir()` of the QueryDict, once per <option> of a long select)."""
    return defaultdict(str, params.dict())


def _query(params, *without: str) -> str:
    params = params.copy()
    for name in without:
        params.pop(name, None)
    return params.urlencode()


def write_guard(request, record=None) -> dict:
    """Hidden fields of an edit or create form: the version the user edits (a stale edit is refused)
    and a submission key (a double submission creates one record). A re-shown form keeps both."""
    version = request.POST.get("version") if request.method == "POST" else None
    if version is None and record is not None:
        version = getattr(record, "version", "")
    key = posted_key(request) or uuid.uuid4().hex
    return {"guard_version": version or "", "guard_key": key}


def attempt(form, write, aliases: dict | None = None):
    """Run an action for a valid form: what it returns, or None when it refused — a rule's
    ValidationError (each field's messages on that field when the form has it, else on the form;
    `aliases`: the rules' name of a field → the form's), the gate's Forbidden or a stale version
    become the form's errors, and nothing was saved."""
    try:
        return write()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                field = (aliases or {}).get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except (Forbidden, StaleEdit) as exc:
        form.add_error(None, str(exc))
    return None


def report_saved(request, changed) -> None:
    """Say what an edit did: "已保存" only when something changed."""
    if changed:
        messages.success(request, _("已保存"))
    else:
        messages.info(request, _("没有修改，未保存"))


def save_form(request, form, record, data: dict, create, update, done):
    """Create (no record yet) or update the record with a valid form's data through its action:
    `create(data, key)`, `update(data, version)` (the posted submission key and version). Once saved,
    says so and answers `done(record)`, the saved one; None when refused (the form shows why)."""
    if record is None:
        saved = attempt(form, lambda: create(data, posted_key(request)))
        if not saved:
            return None
        messages.success(request, _("已保存"))
        return done(saved)
    changed = attempt(form, lambda: update(data, posted_version(request)))
    if changed is None:
        return None
    report_saved(request, changed)
    return done(record)


def posted_version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def posted_key(request) -> str | None:
    value = request.POST.get("submission", "") if request.method == "POST" else ""
    return value if re.fullmatch(r"[0-9a-f]{32}", value) else None
