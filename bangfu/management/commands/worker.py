import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from bangfu.exchange import services

# Added to the worker's niceness: on a small server (2 cores) the officers' pages get the CPU
# first and a big export takes the time that is left. On Linux the worker also runs under
# SCHED_IDLE, which a niceness alone is not: 200 officers' pages had p95 56 ms beside an idle
# worker and 255 ms beside one writing a 200,000-row export at nice +10 (bench/load.py).
NICENESS = 10


class Command(BaseCommand):
    help = ("Run background tasks (big exports) at a lower CPU priority: django-tasks-db's db_worker "
            "after os.nice(10). `bangfu serve` starts it itself (--task-workers); run it alone when the "
            "server is started with --task-workers 0.")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at the queue when it is empty (default 1)")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args, **options):
        lower_priority()
        services.remove_expired()  # and again before each export
        call_command("db_worker", interval=options["interval"], batch=options["batch"], reload=False,
                     verbosity=options["verbosity"], startup_delay=False)


def lower_priority() -> None:
    if sys.platform != "win32":
        os.nice(NICENESS)
    if hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
