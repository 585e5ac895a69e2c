"""The idle timeout without a session write on every request.

`SESSION_SAVE_EVERY_REQUEST` would write the session row on every page and API call (the load test
of issue 7 saw it on every request). Instead a signed-in session is re-saved — which moves its
expiry to now + SESSION_COOKIE_AGE — only when its last refresh is at least REFRESH_SECONDS old, or
when the view changed it anyway. An idle session therefore ends between SESSION_COOKIE_AGE minus
REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request.
"""

import time

REFRESH_SECONDS = 60
STAMP = "_bangfu_refreshed"  # epoch seconds of the last refresh, kept in the session itself


def clock() -> float:
    """The time source (a function so tests can move it)."""
    return time.time()


class SessionRefreshMiddleware:
    """Goes right after SessionMiddleware: on the way out it marks the session modified when its
    refresh is due, and SessionMiddleware then saves it with a new expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Nothing in it (no cookie, a stale cookie, just signed out): never create a session here.
        # keys() comes first: it loads the session, which forgets the key of a stale cookie.
        if session is None or not session.keys() or session.session_key is None:
            return response
        now = clock()
        last = session.get(STAMP)
        if session.modified or not isinstance(last, int | float) or not 0 <= now - last < REFRESH_SECONDS:
            session[STAMP] = int(now)
        return response
