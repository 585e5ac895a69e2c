from django.core.management.base import BaseCommand

from bangfu.regions import codes
from bangfu.registry.models import Household
from bangfu.registry.services import refresh_households, refresh_labour


class Command(BaseCommand):
    help = "Recompute working-age labour (people age every day) and household employment counts."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="limit to the region with this code prefix")

    def handle(self, *args, **options):
        prefix = options["region"]
        changed = refresh_labour(prefix)
        households = refresh_households(Household.objects.filter(codes.within(prefix)))
        self.stdout.write(f"labour flags changed: {changed:,}; households recounted: {households:,}")
