from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import defaults

from bangfu.core.filters import FilterError


class RefusalMiddleware:
    """Refusals a page answers itself, logged as one line rather than as an error with a traceback.

    A filter value a list or export does not accept: 400 with the reason. A permission refused
    (`core.permissions.Forbidden`): the 403 page; Django would log it with its traceback, which
    fills the log of a busy county with noise (the request log still notes each 403 in one line).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FilterError):
            return render(request, "400.html", {"message": exception.message}, status=400)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
