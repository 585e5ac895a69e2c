from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bangfu import demo
from bangfu.accounts.models import Role
from bangfu.core import datadir
from bangfu.management.commands.serve import refuse_mismatched_field_keys


class Command(BaseCommand):
    help = "Create (once) and serve the demo county 从江县 on an SQLite database in BANGFU_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000, help="people in the demo county (first run)")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")

    def handle(self, *args, **options):
        from bangfu.registry.generator import generate_county

        database = Path(str(settings.DATABASES["default"]["NAME"]))
        datadir.make_private(settings.DATA_DIR, *([database] if database.parent == settings.DATA_DIR else []))
        call_command("migrate", interactive=False, verbosity=0)
        refuse_mismatched_field_keys()  # before anything is added under a key that cannot read the rest
        if demo.demo_has_people():
            self.stdout.write(f"Reusing the demo data in {settings.DATABASES['default']['NAME']}")
        else:
            self.stdout.write(f"Generating the demo county 从江县 ({options['people']:,} people)…")
            generate_county(demo.DEMO_COUNTY, options["people"], seed=2026, stdout=self.stdout)
        accounts = demo.ensure_demo_accounts()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nbangfu demo: open {url} and log in as one of"))
        for username, role, region, name in accounts:
            self.stdout.write(f"  {username:<10} {Role(role).label:<12} {region or '全国':<12} {name}")
        self.stdout.write(f"password for every demo account: {demo.DEMO_PASSWORD}\n")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
