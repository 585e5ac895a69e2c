from django.core.management.base import BaseCommand

from bangfu.accounts.actors import command_actor
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core import plugins
from bangfu.core.history import acting_as
from bangfu.regions import codes
from bangfu.registry.models import Household
from bangfu.registry.services import refresh_households, refresh_labour


class Command(BaseCommand):
    help = ("Recompute working-age labour (people age every day) and household employment counts, then "
            "recount the kept figures (home page, region tree) of the region.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="limit to the region with this code prefix")
        parser.add_argument("--figures-only", action="store_true",
                            help="only recount the kept figures (after a bulk load or an upgrade)")
        parser.add_argument("--actor", help="account the changes are recorded as (default: the system account)")

    def handle(self, *args, **options):
        prefix = options["region"]
        if options["figures_only"]:
            self.stdout.write(f"villages recounted: {self._figures(prefix):,}")
            return
        actor = command_actor(options["actor"])
        with acting_as(actor):
            changed = refresh_labour(prefix)
            households = refresh_households(Household.objects.filter(codes.within(prefix)))
        log.record(actor, Action.BULK, region_code=codes.full_code(prefix) if prefix else "",
                   detail={"what": "refresh", "rows": changed, "reason": "bangfu refresh"})
        villages = self._figures(prefix)
        self.stdout.write(f"labour flags changed: {changed:,}; households recounted: {households:,}; "
                          f"villages recounted: {villages:,}")

    def _figures(self, prefix: str) -> int:
        return sum(keeper.refresh(prefix) for keeper in plugins.kept_figures())
