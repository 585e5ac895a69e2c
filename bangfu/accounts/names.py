"""The one spelling of a login name that authentication, the throttle and account creation share."""

import unicodedata


def normalise_username(raw: str) -> str:
    """NFKC (full-width `ｚｆ２` is `zf2`), surrounding spaces dropped, case folded.

    Login, throttle and new accounts all pass names through here, so no variant of a name is a
    different account or a fresh allowance of failed attempts."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()[:150]
