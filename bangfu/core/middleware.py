from django.shortcuts import render

from bangfu.core.filters import FilterError


class BadFilterMiddleware:
    """A list or export asked with a filter value it does not accept: 400 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FilterError):
            return render(request, "400.html", {"message": exception.message}, status=400)
        return None
