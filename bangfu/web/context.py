from bangfu.core import plugins
from bangfu.core.permissions import permissions_of


def navigation(request):
    """The menu: every app's entries that this user's role allows, and which one is current."""
    user = getattr(request, "user", None)
    perms = permissions_of(user) if user is not None else frozenset()
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    items = [(item, item.is_active(current)) for item in plugins.nav_items() if item.perm is None or item.perm in perms]
    return {"perms_of_user": perms, "nav_items": items}
