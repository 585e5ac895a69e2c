"""Running checks over a region and keeping their findings.

A run replaces, in one transaction, the findings of the checks it runs under its region prefix:
one DELETE, then one INSERT … SELECT per check (the check's query, compiled), so no record passes
through Python. Runs of other regions keep their findings: a township officer's run leaves the
other townships' results as they were.
"""

from django.db import connection, transaction
from django.utils import timezone

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.pages import forget_counts
from bangfu.core.permissions import check as check_gate
from bangfu.core.permissions import reach_of
from bangfu.exchange.checks import definitions
from bangfu.exchange.checks.definitions import Check
from bangfu.exchange.checks.models import CheckRun, Finding
from bangfu.exchange.checks.permissions import Perm
from bangfu.regions import codes


def _prefix_where(prefix: str) -> tuple[str, list[str]]:
    if not prefix:
        return "1 = 1", []
    return "region_code >= %s AND region_code < %s", [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def read_rows(check: Check, prefix: str, today=None):
    """The check's query as the rows a finding keeps: (pk, region_code, reason)."""
    rows = check.query(prefix, today or timezone.localdate())
    if "reason" not in rows.query.annotations:
        rows = rows.annotate(reason=definitions.no_reason())
    return rows.order_by().values_list("pk", "region_code", "reason")


def _insert(run: CheckRun, check: Check, today) -> int:
    sql, params = read_rows(check, run.region_prefix, today).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(Finding)} (run_id, check_id, model, record_id, region_code, reason) "  # noqa: S608 (names from the models)
            f"SELECT %s, %s, %s, q.* FROM ({sql}) q", [run.pk, check.id, check.model, *params])
        return cursor.rowcount


def run_checks(prefix: str, actor, *, only: list[str] | None = None, today=None, request=None) -> CheckRun:
    """Run the checks (all, or those named in `only`) over the region with this code prefix ("" is
    everywhere) and replace their findings there. The import commit calls this after every import."""
    checks = [definitions.get(check_id) for check_id in only] if only else definitions.all_checks()
    today = today or timezone.localdate()
    with transaction.atomic():
        run = CheckRun.objects.create(region_prefix=prefix, user=actor if actor.is_authenticated else None)
        where, params = _prefix_where(prefix)
        ids = [check.id for check in checks]
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_table(Finding)} WHERE {where} "  # noqa: S608 (names from the models)
                f"AND check_id IN ({', '.join(['%s'] * len(ids))})", [*params, *ids])
        run.counts = {check.id: _insert(run, check, today) for check in checks}
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
        log.record(actor, Action.BULK, region_code=codes.full_code(prefix) if prefix else "",
                   detail={"what": "checks", "rows": sum(run.counts.values()), "checks": len(checks)},
                   request=request)
    # Raw SQL sends no signals: the cached list counts of findings must be forgotten by hand.
    forget_counts(Finding)
    return run


def run_for_user(user, *, request=None) -> CheckRun:
    """A run over the whole of the user's region, if they may run checks there."""
    prefix = reach_of(user).region_prefix
    if reach_of(user).everything:
        prefix = ""
    check_gate(user, Perm.RUN_CHECKS, codes.full_code(prefix or ""))
    return run_checks(prefix or "", user, request=request)
