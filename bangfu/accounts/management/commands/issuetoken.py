from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bangfu.accounts.models import ApiToken, User
from bangfu.audit import log
from bangfu.audit.models import Action


def issue_token(username: str, purpose: str) -> tuple[ApiToken, str]:
    """A new API token for an active account; only its digest is kept."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    if not user.is_active:
        raise CommandError(f"{username} is deactivated; its tokens would be refused")
    if not purpose.strip():
        raise CommandError("--name must say what the token is for, e.g. 'province statistics sync'")
    with transaction.atomic():
        api_token, token = ApiToken.issue(user, purpose.strip()[:100])
        log.record(None, Action.CREATE, api_token, region_code=user.region_id or "", username="(command line)",
                   detail={"user": username, "name": api_token.name, "prefix": api_token.prefix})
    return api_token, token


class Command(BaseCommand):
    help = ("Issue an API token for an account. The token acts with the account's role and region; "
            "it is printed once and cannot be shown again.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for (which system uses it)")

    def handle(self, *args, **options):
        api_token, token = issue_token(options["username"], options["name"])
        self.stdout.write(token)
        self.stderr.write(f"token {api_token.prefix}… for {options['username']} ({api_token.name}). Keep it "
                          "secret: send it as `Authorization: Bearer <token>`. It is shown only this once.")
