import getpass
import secrets
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.actions import do_create_account
from bangfu.accounts.models import Role, User
from bangfu.accounts.names import normalise_username
from bangfu.regions import codes
from bangfu.regions.models import Region


def create_user(username: str, role: str, region_code: str | None, password: str, *,
                full_name: str = "", organisation: str = "") -> User:
    """A new account; every role but the administrator works within a region."""
    username = normalise_username(username)
    if User.objects.filter(username=username).exists():
        raise CommandError(f"the user name {username!r} is taken")
    region = None
    if region_code:
        if not (region_code.isascii() and region_code.isdigit() and len(region_code) in codes.LEVEL_DIGITS.values()):
            raise CommandError(f"{region_code!r} is not a region code (2, 4, 6, 9 or 12 digits)")
        region = Region.objects.filter(code=codes.full_code(region_code)).first()
        if region is None:
            raise CommandError(f"no region {codes.full_code(region_code)}: load the region table first "
                               "(`bangfu regions load FILE.csv`)")
    elif role != Role.ADMIN:
        raise CommandError("--region is required for every role but admin (an admin without one sees everything)")
    try:
        validate_password(password, User(username=username, first_name=full_name))
    except ValidationError as exc:
        raise CommandError("the password is too weak: " + " ".join(exc.messages)) from None
    # The checks above speak English on the command line; the action applies the same rules again
    # and saves with its audit entry, as for an account made in the pages.
    try:
        user, _password = do_create_account(None, username=username, role=role, region=region,
                                            first_name=full_name, organisation=organisation, password=password)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    return user


class Command(BaseCommand):
    help = ("Create an account. Without --password it asks for one, or, when not run from a terminal, "
            "makes one up and prints it.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values,
                            help="; ".join(f"{value} = {label}" for value, label in Role.choices))
        parser.add_argument("--region", help="the region the account works in: a 12-digit code, or its 2/4/6/9 "
                                             "significant digits (522633 = 从江县); admin may leave it out")
        parser.add_argument("--password", help="the password (beware: it stays in the shell's history)")
        parser.add_argument("--name", default="", help="the person's full name, shown in history")
        parser.add_argument("--organisation", default="", help="e.g. 从江县人社局就业股")

    def handle(self, *args, **options):
        password, generated = options["password"], False
        if password is None:
            if sys.stdin.isatty():
                password = self.ask_password()
            else:
                password, generated = secrets.token_urlsafe(12), True
        user = create_user(options["username"], options["role"], options["region"], password,
                           full_name=options["name"], organisation=options["organisation"])
        where = user.region.full_name() if user.region_id else "the whole country"
        self.stdout.write(f"created {user.username} ({user.get_role_display()}, {where})")
        if generated:
            # A made-up password has been seen by whoever ran the command: the user replaces it first.
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            self.stdout.write(f"password: {password}")
            self.stdout.write("(shown once: pass it on safely; the user must change it at first sign-in)")

    def ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        return first
