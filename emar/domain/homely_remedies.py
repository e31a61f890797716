"""Homely remedies: the home's own over-the-counter medicines (paracetamol, simple linctus,
senna...) given under a protocol agreed with each resident's GP.

The dose, the minimum interval and the maximum in 24 hours are the PRN chart line's own (the
authorisation writes one, emar.domain.prn checks it); this module adds what is the protocol's:

- the authorisation must be in force: not withdrawn, started, and not past its review date
  (on the review date itself it may still be given: that is the day it is reviewed);
- a maximum duration (e.g. 48 hours) counted from the first dose of the current episode: once
  reached, the carer is told to contact the GP and it is not given again under the protocol.

An episode is a run of doses each less than `EPISODE_GAP` (24 hours) after the one before: a
day with no dose ends it, and a later need is a new episode. The duration is elapsed time (UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

EPISODE_GAP = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Authorisation:
    """A resident's authorisation as it stands (withdrawn: a later withdrawal row exists)."""

    remedy: str
    gp_name: str
    authorised_on: date
    review_date: date
    max_duration: timedelta
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class HomelyRefusal:
    kind: str  # "none" | "withdrawn" | "not yet" | "review" | "duration"
    message: str


def episode_start(given: Iterable[datetime], at: datetime) -> datetime | None:
    """The first dose of the episode a dose at `at` would belong to: the run of doses before
    `at` each less than EPISODE_GAP from the next, the last less than EPISODE_GAP before `at`.
    None: `at` would start a new episode."""
    before = sorted((t for t in given if t <= at), reverse=True)
    start, later = None, at
    for t in before:
        if later - t >= EPISODE_GAP:
            break
        start, later = t, t
    return start


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} hours"


def check_homely(
    authorisation: Authorisation | None,
    given: Iterable[datetime],
    at: datetime,
    today: date,
) -> HomelyRefusal | None:
    """May a homely remedy be given at `at` (its local date `today`) under the protocol?
    `given`: the times of the doses already given under this authorisation's chart line.
    None: yes (the PRN limits are checked besides, as on any chart line)."""
    if authorisation is None:
        return HomelyRefusal(
            "none", "No homely remedy authorisation from the GP for this resident: do not give."
        )
    a = authorisation
    if a.withdrawn:
        return HomelyRefusal(
            "withdrawn", f"The homely remedy authorisation for {a.remedy} was withdrawn."
        )
    if today < a.authorised_on:
        return HomelyRefusal(
            "not yet",
            f"The homely remedy authorisation for {a.remedy} starts on {a.authorised_on:%d/%m/%Y}.",
        )
    if today > a.review_date:
        return HomelyRefusal(
            "review",
            f"The homely remedy authorisation for {a.remedy} was due for review on "
            f"{a.review_date:%d/%m/%Y}: ask {a.gp_name} to review it before giving.",
        )
    start = episode_start(given, at)
    if start is not None and at - start >= a.max_duration:
        return HomelyRefusal(
            "duration",
            f"Contact the GP: homely remedy given for {_hours(a.max_duration)} "
            f"({a.remedy}, counted from the first dose of this episode). "
            f"Not to be given again under the protocol in this episode (until a full day "
            f"has passed without a dose): tell {a.gp_name} now.",
        )
    return None
