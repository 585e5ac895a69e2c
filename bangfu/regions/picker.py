"""The region choices a user is offered in list filters (their own node and two levels below), and
the names of the villages a page shows.

Both are read on nearly every list page and change only when the region table is loaded, so each
process keeps what it read for KEEP_SECONDS, and forgets it at once when this process changes a
region (`forget`: region saves, `load_regions`, `ensure_regions`); another process's load shows
within KEEP_SECONDS.
"""

import threading
import time

from bangfu.core.permissions import reach_of
from bangfu.regions import codes
from bangfu.regions.models import Region

MAX_OPTIONS = 1500
KEEP_SECONDS = 300

_kept: dict = {}
_lock = threading.Lock()
_since = time.monotonic()


def forget(**_kwargs) -> None:
    global _since
    with _lock:
        _kept.clear()
        _since = time.monotonic()


def _fresh() -> dict:
    global _since
    if time.monotonic() - _since > KEEP_SECONDS:
        forget()
    return _kept


def region_options(user) -> list[tuple[str, str]]:
    """(prefix, indented name) pairs under the user's region, at most two levels down."""
    prefix = reach_of(user).region_prefix
    if prefix is None:
        return []
    key = ("options", prefix, user.region_id)
    kept = _fresh()
    if key not in kept:
        kept[key] = _region_options(user, prefix)
    return kept[key]


def _region_options(user, prefix: str) -> list[tuple[str, str]]:
    top = user.region if user.region_id else None
    top_level = top.level if top else 0
    nodes = Region.objects.filter(level__in=(top_level + 1, top_level + 2))
    if prefix:
        nodes = nodes.filter(codes.within(prefix, "code"))
    options = [(prefix, top.name)] if top else []
    for region in nodes.order_by("code")[:MAX_OPTIONS]:
        indent = "\u3000" * (region.level - top_level - 1)
        options.append((region.prefix, f"{indent}{region.name}"))
    return options


def village_labels(region_codes) -> dict[str, str]:
    """Code -> "township village" names for the village codes on one page (one query for the
    names not kept yet); a township's (or a county's) own code gives its name once."""
    wanted = set(region_codes)
    townships = {codes.full_code(code[:9]) for code in wanted}
    names = _fresh().setdefault("names", {})
    missing = (wanted | townships) - names.keys()
    if missing:
        found = dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
        names.update({code: found.get(code) for code in missing})
    return {
        code: " ".join(names.get(part) or "" for part in dict.fromkeys((codes.full_code(code[:9]), code))).strip()
        or code
        for code in wanted
    }
