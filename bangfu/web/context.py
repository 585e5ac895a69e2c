from bangfu.accounts.permissions import permissions_of


def navigation(request):
    """What the navigation shows: the actions this user's role allows."""
    return {"perms_of_user": {p.value for p in permissions_of(request.user)} if hasattr(request, "user") else set()}
