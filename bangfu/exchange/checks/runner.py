"""Running checks over a region and keeping their findings.

A run replaces, in one transaction, the findings of the checks it runs under its region prefix:
one DELETE, then one INSERT … SELECT per check (the check's query, compiled), so no record passes
through Python. Runs of other regions keep their findings: a township officer's run leaves the
other townships' results as they were. On PostgreSQL runs take turns (an advisory lock), so two
runs over the same region never both insert; SQLite has one writer at a time anyway.
"""

from django.db import connection, transaction
from django.utils import timezone

from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.pages import forget_counts
from bangfu.core.permissions import check as check_gate
from bangfu.core.permissions import prefix_q, reach_of
from bangfu.exchange.checks import definitions
from bangfu.exchange.checks.definitions import Check
from bangfu.exchange.checks.models import CheckRun, Finding
from bangfu.exchange.checks.permissions import Perm
from bangfu.regions import codes

RUN_LOCK = 0x6B_63_68_6B  # the advisory lock key of check runs ("kchk")


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
    everywhere) and replace their findings there; `actor` is recorded with the run and in the audit
    log. Pages, the command and (next) the import commit call this."""
    checks = [definitions.get(check_id) for check_id in only] if only else definitions.all_checks()
    today = today or timezone.localdate()
    with transaction.atomic():
        old = Finding.objects.filter(prefix_q("region_code", prefix), check_id__in=[check.id for check in checks])
        # The old findings' own condition in the DELETE (not `id IN (…)`, a join of the table to itself).
        sql, params = old.query.get_compiler(connection=connection).compile(old.query.where)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
                # Each check is one short scan or join: compiling it to machine code (JIT, which
                # the planner picks for any query over a large table) costs more than it saves.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"DELETE FROM {_table(Finding)} WHERE {sql}", params)  # noqa: S608 (compiled by Django)
        run = CheckRun.objects.create(region_prefix=prefix, user=actor if actor.is_authenticated else None)
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
    reach = reach_of(user)
    prefix = "" if reach.everything else reach.region_prefix or ""
    check_gate(user, Perm.RUN_CHECKS, codes.full_code(prefix))  # also refuses a user of no region
    return run_checks(prefix, user, request=request)
