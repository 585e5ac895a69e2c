from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bangfu.accounts.actions import do_issue_token
from bangfu.accounts.models import ApiToken, User


def issue_token(username: str, purpose: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for an active account with API access; only its digest is kept."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    if not user.is_active:
        raise CommandError(f"{username} is deactivated; its tokens would be refused")
    if not purpose.strip():
        raise CommandError("--name must say what the token is for, e.g. 'province statistics sync'")
    try:
        return do_issue_token(None, user, purpose, days=days)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None


class Command(BaseCommand):
    help = ("Issue an API token for an account. The token acts with the account's role and region until "
            "it expires or is revoked; it is printed once and cannot be shown again.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for (which system uses it)")
        parser.add_argument("--days", type=int, default=None,
                            help=f"days until it expires (default {settings.API_TOKEN_DEFAULT_DAYS}, "
                                 f"at most {settings.API_TOKEN_MAX_DAYS})")

    def handle(self, *args, **options):
        api_token, token = issue_token(options["username"], options["name"], options["days"])
        self.stdout.write(token)
        self.stderr.write(f"token {api_token.prefix}… for {options['username']} ({api_token.name}), valid until "
                          f"{timezone.localtime(api_token.expires_at):%Y-%m-%d}. Keep it secret: send it as "
                          "`Authorization: Bearer <token>`. It is shown only this once.")
