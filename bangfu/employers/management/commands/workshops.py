import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bangfu.core.permissions import prefix_q
from bangfu.employers.models import Purpose, Workshop
from bangfu.employers.workshops import evaluation as ev
from bangfu.employers.workshops import lifecycle


def _last_quarter() -> datetime.date:
    """The last day of the quarter before today's (a quarterly cron job evaluates the quarter just ended)."""
    year, quarter = ev.quarter_of(timezone.localdate())
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return ev.quarter_end(year, quarter)


class Command(BaseCommand):
    help = ("Evaluate the certified workshops against the monitoring criteria in force for a quarter and list "
            "those below the standard (officers record the results on the 车间监测 page).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        evaluate = actions.add_parser("evaluate", help="evaluate a quarter (by default the one just ended)")
        evaluate.add_argument("--quarter", help="e.g. 2026Q3")
        evaluate.add_argument("--region", default="", help="region code prefix (e.g. 522633)")

    def handle(self, *args, **options):
        try:
            on = ev.parse_quarter(options["quarter"]) if options.get("quarter") else _last_quarter()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        region = options.get("region") or ""
        if region and (not region.isdigit() or len(region) > 12):
            raise CommandError(f"--region must be 1-12 digits, not {region!r}")
        workshops = Workshop.objects.filter(prefix_q("region_code", region), status__in=lifecycle.CERTIFIED)
        evaluations = ev.evaluate(workshops, on, Purpose.MONITOR)
        failing = [e for e in evaluations if e.passed is False]
        unset = [e for e in evaluations if e.passed is None]
        for e in failing:
            reasons = "；".join(r.why for r in e.failing)
            self.stdout.write(f"{e.workshop.pk}\t{e.workshop.region_code}\t{e.workshop.name}\t"
                              f"{e.workshop.status}\t{reasons}")
        self.stdout.write(f"{ev.quarter_label(on)}: evaluated {len(evaluations):,} certified workshops, "
                          f"{len(failing):,} below the standard, {len(unset):,} without criteria in force")
