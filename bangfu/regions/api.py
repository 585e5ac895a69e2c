"""The administrative tree over the API. Regions are public to any signed-in caller; the figures
beside them (people on the ledger, …) count only what the caller may see."""

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from bangfu.core.schemas import RegionCode, responses
from bangfu.regions.models import Region
from bangfu.regions.views import figures_for

router = Router(tags=["regions"])

FIGURES = "figure key -> count under this region, of the records you may see (people: people on the ledger)"


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_label: str
    parent_code: str
    figures: dict[str, int] = Field(description=FIGURES)

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class RegionDetail(RegionOut):
    full_name: str

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.full_name()


@router.get("/{code}", response=responses({200: RegionDetail}, 401, 404, 422))
def get_region(request, code: Path[RegionCode]):
    region = get_object_or_404(Region, code=code)
    region.figures = {f.key: f.total(request.auth, region.prefix) for f in figures_for(request.auth)}
    return region


@router.get("/{code}/children", response=responses({200: list[RegionOut]}, 401, 404, 422))
def region_children(request, code: Path[RegionCode]):
    """The nodes one level down, each with its figures."""
    region = get_object_or_404(Region, code=code)
    children = list(Region.objects.filter(parent_code=region.code).order_by("code"))
    figures = figures_for(request.auth)
    counts: dict[str, dict[str, int]] = {f.key: {} for f in figures}
    # Normally one level; a tree with a missing city has counties straight under the province.
    for level in {child.level for child in children}:
        for figure in figures:
            counts[figure.key].update(figure.by_child(request.auth, region.prefix, level))
    for child in children:
        child.figures = {key: by_code.get(child.code, 0) for key, by_code in counts.items()}
    return children
