from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bangfu.employers.industries import load_industries, read_csv


class Command(BaseCommand):
    help = "Load the GB/T 4754-2017 industry classification from a CSV of code,name (rerunnable)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser("load", help="load a CSV of code,name: 门类 letters and 2-4 digit classes")
        load.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        result = load_industries(read_csv(path))
        self.stdout.write(f"loaded {result.loaded:,} classes from {path}")
        for line, code, reason in result.rejected:
            self.stdout.write(self.style.WARNING(f"line {line} ({code}): {reason}"))
