from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from bangfu.core import crypto


def refuse_mismatched_field_keys() -> None:
    """CommandError (a message, exit status 1, no traceback) when the configured field keys cannot
    read the data, rather than a server that answers 500 on the first page that decrypts."""
    try:
        problems = crypto.verify_keys()
    except DatabaseError as exc:
        raise CommandError(f"bangfu will not start: cannot read the database to check the field keys: {exc}") from None
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise CommandError(
            f"bangfu will not start: the field key does not match the data.\n{lines}\n"
            "Set BANGFU_FIELD_KEY to the key the data was written with (and any key still being rotated "
            "away from in BANGFU_FIELD_KEYS_RETIRED); see 'Rotating the field key' in docs/operations.md."
        )


class Command(BaseCommand):
    help = ("Serve bangfu with waitress (production WSGI server); refuses unsafe production settings and "
            "field keys that do not match the data.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from bangfu.wsgi import application

        call_command("check")  # raises on the production checks in bangfu.checks
        refuse_mismatched_field_keys()
        self.stdout.write(f"bangfu serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops)")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"],
              ident="bangfu")
