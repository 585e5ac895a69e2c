from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.actors import command_actor
from bangfu.core.history import acting_as
from bangfu.exchange.checks import definitions
from bangfu.exchange.checks.runner import run_checks


class Command(BaseCommand):
    help = "Run the consistency checks (核查) over a region and replace their findings there."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="limit to the region with this code prefix")
        parser.add_argument("--check", action="append", dest="only", help="run only this check (repeatable)")
        parser.add_argument("--actor", help="account the run is recorded as (default: the system account)")

    def handle(self, *args, **options):
        prefix = options["region"]
        if prefix and not (prefix.isdigit() and len(prefix) <= 12):
            raise CommandError(f"--region must be a region code prefix (up to 12 digits), not {prefix!r}")
        known = {check.id for check in definitions.all_checks()}
        unknown = [name for name in options["only"] or [] if name not in known]
        if unknown:
            raise CommandError(f"unknown check(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        actor = command_actor(options["actor"])
        with acting_as(actor):
            run = run_checks(prefix, actor, only=options["only"])
        for check_id, count in run.counts.items():
            self.stdout.write(f"{check_id:<30} {count:>8,}")
        self.stdout.write(f"findings: {sum(run.counts.values()):,}")
