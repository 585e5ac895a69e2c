"""The administrative tree over the API. Regions are public to any signed-in caller; the person
counts beside them are limited to what the caller may see."""

from django.shortcuts import get_object_or_404
from ninja import Path, Router

from bangfu.regions import codes
from bangfu.regions.models import Region
from bangfu.registry import schemas as s
from bangfu.registry.selectors import people_for_user
from bangfu.registry.stats import counts_by_child

router = Router(tags=["regions"])


@router.get("/{code}", response=s.responses({200: s.RegionDetail}, 401, 404, 422))
def get_region(request, code: Path[s.RegionCode]):
    region = get_object_or_404(Region, code=code)
    region.people = people_for_user(request.auth).filter(codes.within(region.prefix)).count()
    return region


@router.get("/{code}/children", response=s.responses({200: list[s.ChildRegion]}, 401, 404, 422))
def region_children(request, code: Path[s.RegionCode]):
    """The nodes one level down, each with the number of people under it."""
    region = get_object_or_404(Region, code=code)
    children = list(Region.objects.filter(parent_code=region.code).order_by("code"))
    counts: dict[str, int] = {}
    # Normally one level; a tree with a missing city has counties straight under the province.
    for level in {child.level for child in children}:
        counts.update(counts_by_child(people_for_user(request.auth), region.prefix, level))
    for child in children:
        child.people = counts.get(child.code, 0)
    return children
