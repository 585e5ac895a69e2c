from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class PasswordChangeRequired:
    """After an administrator's password reset, the password page comes before anything else
    (signing out and switching the language aside); the API answers 403 for such a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = (reverse("password_change"), reverse("logout"), reverse("set_language"))
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先修改密码")}, status=403,
                                    json_dumps_params={"ensure_ascii": False})
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)
