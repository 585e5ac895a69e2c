from django.core.management.base import BaseCommand, CommandError

from bangfu.registry.generator import generate_county


class Command(BaseCommand):
    help = "Generate a synthetic county: villages, households and people with valid identifiers."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="six-digit county code, e.g. 522633 (从江县)")
        parser.add_argument("--people", type=int, required=True, help="how many people to generate")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same people")
        parser.add_argument("--append", action="store_true", help="add to a county that already has people")

    def handle(self, *args, **options):
        try:
            result = generate_county(options["county"], options["people"], seed=options["seed"],
                                     stdout=self.stdout, append=options["append"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.county_name} ({result.county_code[:6]}): {result.people:,} people in "
            f"{result.households:,} households across {result.villages:,} villages; "
            f"{result.disabled:,} disabled, {result.zero_employment_households:,} zero-employment households"
        )
        self.stdout.write(f"took {result.seconds:.1f} s ({result.people_per_second:,.0f} people/s)")
