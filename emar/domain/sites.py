"""Where a dose goes on the body: patches, creams and injections rotate sites, so recording
one asks where (and shows where the last one went)."""

from __future__ import annotations

SITE_ROUTES = ("transdermal", "topical", "subcutaneous", "intramuscular")


def needs_site(route: str) -> bool:
    """Does a dose by `route` ("transdermal", "topical (thin layer)") need its site recorded?
    The route's first word decides."""
    words = route.split()
    return bool(words) and words[0] in SITE_ROUTES
