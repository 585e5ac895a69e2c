from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.actors import command_actor
from bangfu.core.history import acting_as
from bangfu.employers.workshops import criteria


class Command(BaseCommand):
    help = "Workshop criteria as data: load a province's sets from a JSON file (validated, rerunnable)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser("load", help="load FILE.json (see bangfu/employers/workshops/data/)")
        load.add_argument("file", type=Path)
        load.add_argument("--region", help="region prefix the sets apply to, instead of the file's region_prefix")
        load.add_argument("--actor", help="account named in the history (the system account by default)")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = command_actor(options.get("actor"))
        try:
            with acting_as(user):
                loaded = criteria.load_criteria(user, criteria.read_file(path), region=options.get("region"),
                                                command=True)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"loaded {loaded.sets} criteria sets ({loaded.created} new) with {loaded.criteria} "
                          f"criteria from {path}")
