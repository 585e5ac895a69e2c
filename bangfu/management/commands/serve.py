from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from bangfu.core import crypto, proxies


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
        # Forwarded headers are left to bangfu.core.proxies (waitress's own trusted_proxy takes one
        # address, not the list of networks BANGFU_TRUSTED_PROXIES may hold, and would not apply
        # under another server); waitress passes them through untouched.
        networks = proxies.trusted_networks()
        if networks:
            self.stdout.write("client address and scheme from X-Forwarded-For/-Proto of "
                              + ", ".join(map(str, networks)) + " (BANGFU_TRUSTED_PROXIES)")
        elif settings.PRODUCTION:
            self.stdout.write("no BANGFU_TRUSTED_PROXIES: X-Forwarded-* headers are ignored (no reverse proxy?)")
        self.stdout.write(f"bangfu serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops)")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"],
              ident="bangfu")
