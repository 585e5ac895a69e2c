"""Reading findings, always through the ledger's scope of the user.

A finding is shown only when the user sees its record now (`people_for_user` /
`households_for_user`: region, role and narrowing alike), so results never show more than the
ledger's own pages would.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bangfu.core.permissions import has_perm, narrowing_of, prefix_q, reach_of
from bangfu.exchange.checks.definitions import HOUSEHOLD, PERSON
from bangfu.exchange.checks.models import CheckRun, Finding
from bangfu.exchange.checks.permissions import Perm
from bangfu.registry import selectors
from bangfu.registry.models import Household, Person


def findings_for_user(user) -> QuerySet[Finding]:
    if not has_perm(user, Perm.VIEW_CHECKS):
        return Finding.objects.none()
    reach = reach_of(user)
    if not reach.everything and reach.region_prefix is None:
        return Finding.objects.none()
    # Each finding's record looked up by its id (an EXISTS, not IN): an IN list of every person
    # the user sees is a million ids in a county, more than PostgreSQL hashes in memory, and
    # unhashed it is scanned again for every finding.
    people = selectors.people_for_user(user).filter(pk=OuterRef("record_id"))
    households = selectors.households_for_user(user).filter(pk=OuterRef("record_id"))
    # The region range first, so the finding index narrows before the records are matched.
    inside = Q() if reach.everything else prefix_q("region_code", reach.region_prefix)
    return Finding.objects.filter(inside).filter(
        (Q(model=PERSON) & Exists(people)) | (Q(model=HOUSEHOLD) & Exists(households)))


def findings_in_reach(user) -> QuerySet[Finding] | None:
    """The findings of the user's region by the village they were found in, without matching them
    to the records: what the home page counts, reading the findings alone however large the
    ledger. None for a user whose view of the ledger is narrowed (a disabled persons' federation
    officer): only `findings_for_user` tells which findings are theirs."""
    if any(narrowing_of(user, model) for model in (Person, Household)):
        return None
    if not has_perm(user, Perm.VIEW_CHECKS):
        return Finding.objects.none()
    reach = reach_of(user)
    if reach.everything:
        return Finding.objects.all()
    if reach.region_prefix is None:
        return Finding.objects.none()
    return Finding.objects.filter(prefix_q("region_code", reach.region_prefix))


def counts_by_check(findings: QuerySet[Finding]) -> dict[str, int]:
    return dict(findings.order_by().values_list("check_id").annotate(n=Count("id")).values_list("check_id", "n"))


def counts_by_village(findings: QuerySet[Finding]) -> list[tuple[str, int]]:
    return list(findings.order_by("region_code").values_list("region_code").annotate(n=Count("id"))
                .values_list("region_code", "n"))


def last_run(user) -> CheckRun | None:
    """The latest finished run covering the whole of the user's region (one of a region above
    counts; one of a single village inside it does not)."""
    reach = reach_of(user)
    prefix = "" if reach.everything else reach.region_prefix
    if prefix is None:
        return None
    covering = [prefix[:length] for length in range(len(prefix) + 1)]
    return CheckRun.objects.filter(region_prefix__in=covering, finished_at__isnull=False).first()
