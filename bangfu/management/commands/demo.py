from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

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
        parser.add_argument("--reset", action="store_true",
                            help="delete the demo database first and build the demo county again")

    def handle(self, *args, **options):
        if options["reset"]:
            try:
                self.stdout.write(f"Deleted the demo database {demo.reset_database()}")
            except demo.NotTheDemoDatabase as exc:
                raise CommandError(str(exc)) from None
        database = Path(str(settings.DATABASES["default"]["NAME"]))
        datadir.make_private(settings.DATA_DIR, *([database] if database.parent == settings.DATA_DIR else []))
        call_command("migrate", interactive=False, verbosity=0)
        refuse_mismatched_field_keys()  # before anything is added under a key that cannot read the rest
        if demo.demo_has_people():
            self.stdout.write(f"Reusing the demo data in {settings.DATABASES['default']['NAME']}")
        else:
            self.stdout.write(f"Generating the demo county 从江县 ({options['people']:,} people)…")
            demo.build_demo(options["people"], stdout=self.stdout)
        accounts = demo.ensure_demo_accounts()
        demo.plant_examples()  # a demo database built before the examples were planted gets them too
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nbangfu demo: open {url} and log in as one of"))
        rows = [[username, str(Role(role).label), region or "全国", name] for username, role, region, name in accounts]
        for line in demo.aligned(rows):
            self.stdout.write(f"  {line}")
        self.stdout.write(f"password for every demo account: {demo.DEMO_PASSWORD}\n")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
