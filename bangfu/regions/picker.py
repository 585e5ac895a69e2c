"""The region choices a user is offered in list filters: their own node and two levels below."""

from bangfu.core.permissions import reach_of
from bangfu.regions import codes
from bangfu.regions.models import Region

MAX_OPTIONS = 1500


def region_options(user) -> list[tuple[str, str]]:
    """(prefix, indented name) pairs under the user's region, at most two levels down."""
    prefix = reach_of(user).region_prefix
    if prefix is None:
        return []
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
    """Code -> "township village" names for the village codes on one page, in one query."""
    wanted = set(region_codes)
    townships = {codes.full_code(code[:9]) for code in wanted}
    names = dict(Region.objects.filter(code__in=wanted | townships).values_list("code", "name"))
    return {
        code: " ".join(n for n in (names.get(codes.full_code(code[:9])), names.get(code)) if n) or code
        for code in wanted
    }
