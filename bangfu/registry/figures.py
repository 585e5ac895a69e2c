"""The ledger's figures kept per village (core.figures): the home page and the region tree sum
them instead of counting the ledger on every view.

Every write that changes who is counted where calls `mark_stale(village codes)` (or
`mark_stale_of(queryset)` for a set-based write) inside its transaction: a person's village before
and after, a household's. `refresh(prefix)` recounts a region set-based (the generator, the
`bangfu refresh` command). The disabled persons' federation sees only disabled people and their
households (registry.permissions.narrow_roles): its population has rows of its own.
"""

from django.db.models import Count, Q, QuerySet

from bangfu.core.figures import Keeper, Reading
from bangfu.core.permissions import has_perm, narrowing_of, prefix_q, reach_of
from bangfu.regions import codes
from bangfu.registry import selectors, stats
from bangfu.registry.models import Household, Person, VillageFigures
from bangfu.registry.permissions import DISABLED_PEOPLE, Perm, has_disabled_member

DISABLED = "disabled"
# population -> (its people, its households)
POPULATIONS = {"": (Q(), Q()), DISABLED: (DISABLED_PEOPLE, has_disabled_member("pk"))}


def count(where: Q) -> dict[tuple[str, str], dict[str, int]]:
    """Every figure of every population for the villages `where` selects: two grouped aggregates."""
    counted: dict[tuple[str, str], dict[str, int]] = {}
    people = {key: q for key, (q, _query) in stats.PERSON_FIGURES.items()}
    for model, figures, side in ((Person, people, 0), (Household, stats.HOUSEHOLD_FIGURES, 1)):
        aggregates = {f"{population or 'all'}__{key}": Count("id", filter=members[side] & q)
                      for population, members in POPULATIONS.items() for key, q in figures.items()}
        for row in model.objects.filter(where).values("region_code").annotate(**aggregates).order_by():
            for population in POPULATIONS:
                values = counted.setdefault((row["region_code"], population), {})
                values.update({key: row[f"{population or 'all'}__{key}"] for key in figures})
    return counted


KEEPER = Keeper(VillageFigures, count, populations=POPULATIONS)


def mark_stale(region_codes) -> None:
    """Call inside every write that changes the ledger's figures of these villages."""
    KEEPER.mark_stale(region_codes)


def mark_stale_of(records: QuerySet) -> None:
    """The villages of these people or households (a set-based write: before and after it)."""
    mark_stale(records.order_by().values_list("region_code", flat=True).distinct())


def refresh(prefix: str = "") -> int:
    return KEEPER.refresh(prefix)


def population_of(user) -> str | None:
    """The population whose figures the user sees; None for a narrowing kept figures do not know."""
    narrowing = narrowing_of(user, Person)
    if narrowing is None:
        return ""
    return DISABLED if narrowing.condition == DISABLED_PEOPLE else None


def _within(user, prefix: str) -> str | None:
    """The prefix of what the user sees under the node `prefix`; None for nothing."""
    if not has_perm(user, Perm.VIEW_LEDGER):
        return None
    reach = reach_of(user)
    if reach.everything:
        return prefix
    mine = reach.region_prefix
    if mine is None:
        return None
    if prefix.startswith(mine):
        return prefix
    return mine if mine.startswith(prefix) else None


def read(user, prefix: str = "") -> Reading:
    """The ledger's figures (stats.PERSON_FIGURES and HOUSEHOLD_FIGURES) of what the user sees
    under the prefix, as a fresh count would give them (or as of `Reading.as_of`)."""
    within, population = _within(user, prefix), population_of(user)
    if within is None:
        return Reading(values=dict.fromkeys(KEEPER.fields, 0))
    if population is None:
        return Reading(values={
            **stats.person_counts(selectors.people_for_user(user).filter(prefix_q("region_code", prefix))),
            **stats.household_counts(selectors.households_for_user(user).filter(prefix_q("region_code", prefix))),
        })
    return KEEPER.read(within, population)


def people_by_child(user, prefix: str, level: int) -> dict[str, int]:
    """The region tree's column: people under each child node (plugins.RegionFigure)."""
    within, population = _within(user, prefix), population_of(user)
    if within is None:
        return {}
    if population is None:
        return stats.counts_by_child(selectors.people_for_user(user), prefix, level)
    return KEEPER.by_child(within, codes.LEVEL_DIGITS[level], "people", population)


def people_under(user, prefix: str) -> int:
    return read(user, prefix).values["people"]
