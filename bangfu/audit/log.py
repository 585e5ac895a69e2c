"""Writing the audit log; every reveal of an identifier and every change goes through here."""

from bangfu.audit.models import Action, AuditEntry
from bangfu.core.proxies import client_address
from bangfu.core.sensitive import redact


def client_ip(request) -> str | None:
    """The client's address; behind a trusted proxy the one it forwards (core.proxies)."""
    return client_address(request)


def record(user, action: Action, obj=None, *, field: str = "", region_code: str = "",
           detail: dict | None = None, request=None, username: str = "") -> AuditEntry:
    """One entry. No identifier is kept in clear: any ID number, phone or card number in the
    detail (a search term, a filter) or in a name typed at the login form is masked."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else redact(username),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",  # unsaved: the type alone
        field=field,
        region_code=region_code or getattr(obj, "region_code", "") or "",
        detail=redact(detail or {}),
        ip=client_ip(request),
    )


def record_reveal(sender, *, user, obj, field, request=None, reason="", **kwargs) -> None:
    """Every full view of a sensitive identifier (core.sensitive.identifier_revealed); `reason`
    tells a reveal by other means (a search by the whole number) from the reveal button."""
    record(user, Action.REVEAL, obj, field=field, request=request, detail={"reason": str(reason)} if reason else None)
