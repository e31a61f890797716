"""Right route and form: the route on the chart line (compared ignoring case and spaces around
it); a scanned pack's product must be licensed for that route and be the line's form; given
without a barcode, the carer confirms the route."""

from __future__ import annotations

import re
from dataclasses import dataclass

from emar.domain.doses import LineFacts
from emar.domain.verdict import Check, CheckCode, block

# The carer's words for the usual routes; any other is shown as written.
ROUTE_WORDS = {
    "oral": "by mouth",
    "sublingual": "under the tongue",
    "buccal": "inside the cheek",
    "topical": "on the skin",
    "cutaneous": "on the skin",
    "transdermal": "as a patch on the skin",
    "inhalation": "breathed in",
    "inhaled": "breathed in",
    "ocular": "in the eye",
    "eye": "in the eye",
    "eye (both)": "in both eyes",
    "eye (left)": "in the left eye",
    "eye (right)": "in the right eye",
    "nasal": "in the nose",
    "otic": "in the ear",
    "rectal": "into the rectum",
    "vaginal": "into the vagina",
    "subcutaneous": "injected under the skin",
    "intramuscular": "injected into a muscle",
}


@dataclass(frozen=True, slots=True)
class Product:
    """The catalogue's product behind a pack: "Diclofenac 2.32% gel", its form and routes."""

    name: str
    form: str | None
    route: str
    routes: str | None = None  # every licensed route, ";"-joined (dm+d); None: just `route`


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def product_routes(route: str, routes: str | None) -> frozenset[str]:
    """The routes a product may be given by: its licensed routes if listed, else its route."""
    listed = [r for r in (routes or "").split(";") if r.strip()]
    return frozenset(_key(r) for r in (listed or [route]))


def form_words(form: str | None) -> tuple[str, ...]:
    """A form as comparable words: "Film-coated Tablets" -> ("film", "coated", "tablet")."""
    words = re.split(r"[^a-z0-9%]+", (form or "").lower())
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words if w
    )


def route_checks(line: LineFacts, route: str | None) -> list[Check]:
    """`route`: the route the carer means, None when not said (the line's)."""
    if route and _key(route) != _key(line.route):
        return [block(CheckCode.ROUTE, f"{line.medicine} is prescribed {line.route}, not {route}.")]
    return []


def pack_route_checks(line: LineFacts, line_form: str | None, pack: Product) -> list[Check]:
    """The pack's product must be licensed for the line's route and be the line's form (no
    form check when either form is unknown)."""
    checks = []
    allowed = product_routes(pack.route, pack.routes)
    if _key(line.route) not in allowed:
        shown = ", ".join(sorted(allowed))
        checks.append(
            block(
                CheckCode.ROUTE,
                f"This pack is {pack.name} ({shown}); the chart says {line.route}.",
            )
        )
    pack_form, chart_form = form_words(pack.form), form_words(line_form)
    if pack_form and chart_form and pack_form != chart_form:
        checks.append(
            block(
                CheckCode.FORM,
                f"This pack is {pack.name} ({(pack.form or '').lower()}); "
                f"the chart says {(line_form or '').lower()}.",
            )
        )
    return checks


def unlicensed_route(product: str, route: str, routes: str) -> str | None:
    """At transcription: a route the product is not licensed for, in words; else None."""
    allowed = product_routes(route, routes)
    if _key(route) in allowed:
        return None
    return (
        f"{product} is given {', '.join(sorted(allowed))}, not {route.strip()}: check the "
        "prescription and the product chosen."
    )


def route_in_words(route: str) -> str:
    """ "by mouth (oral)"; a route with no plainer words is shown as written."""
    words = ROUTE_WORDS.get(_key(route))
    return f"{words} ({route})" if words else route


def route_question(line: LineFacts) -> Check:
    """Given without a barcode, nothing has shown the route: the carer confirms it."""
    return block(CheckCode.ROUTE_CONFIRM, f"Confirm the route: {route_in_words(line.route)}?")
