from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve bangfu with waitress (production WSGI server); refuses unsafe production settings."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from bangfu.wsgi import application

        call_command("check")  # raises on the production checks in bangfu.checks
        self.stdout.write(f"bangfu serving on http://{options['host']}:{options['port']}/ (Ctrl+C stops)")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"],
              ident="bangfu")
