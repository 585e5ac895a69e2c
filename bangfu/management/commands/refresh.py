from django.core.management.base import BaseCommand

from bangfu.accounts.actors import command_actor
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.history import acting_as
from bangfu.regions import codes
from bangfu.registry.models import Household
from bangfu.registry.services import refresh_households, refresh_labour


class Command(BaseCommand):
    help = "Recompute working-age labour (people age every day) and household employment counts."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="limit to the region with this code prefix")
        parser.add_argument("--actor", help="account the changes are recorded as (default: the system account)")

    def handle(self, *args, **options):
        prefix = options["region"]
        actor = command_actor(options["actor"])
        with acting_as(actor):
            changed = refresh_labour(prefix)
            households = refresh_households(Household.objects.filter(codes.within(prefix)))
        log.record(actor, Action.BULK, region_code=codes.full_code(prefix) if prefix else "",
                   detail={"what": "refresh", "rows": changed, "reason": "bangfu refresh"})
        self.stdout.write(f"labour flags changed: {changed:,}; households recounted: {households:,}")
