"""The steps of a recommendation: every step allowed, every other refused, with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from emar.domain.review.recommendations import (
    MOVED_BY,
    STATUSES,
    Mover,
    StepRefused,
    check_step,
    is_open,
    is_overdue,
    waiting_for,
)

ALLOWED = {
    ("proposed", "sent", "gp"),
    ("proposed", "sent", "home"),
    ("proposed", "accepted", "home"),
    ("sent", "accepted", "gp"),
    ("sent", "accepted", "home"),
    ("sent", "declined", "gp"),
    ("sent", "declined", "home"),
    ("accepted", "actioned", "gp"),
    ("accepted", "actioned", "home"),
    ("actioned", "outcome reviewed", "gp"),
    ("actioned", "outcome reviewed", "home"),
}
EVERY = [(a, b, to) for a in STATUSES for b in STATUSES for to in ("gp", "home")]


@pytest.mark.parametrize(("current", "new", "to"), EVERY)
def test_every_step_is_allowed_or_refused_as_the_rules_say(current, new, to):
    step = lambda: check_step(current, new, addressed_to=to, reason="GP letter of 12 June")  # noqa: E731
    if (current, new, to) in ALLOWED:
        step()
    else:
        with pytest.raises(StepRefused):
            step()


def test_the_refusals_say_why():
    with pytest.raises(StepRefused, match="already sent"):
        check_step("sent", "sent", addressed_to="gp")
    with pytest.raises(StepRefused, match="declined: nothing follows"):
        check_step("declined", "accepted", addressed_to="gp", reason="x")
    with pytest.raises(StepRefused, match="outcome reviewed: nothing follows"):
        check_step("outcome reviewed", "actioned", addressed_to="gp", reason="x")
    with pytest.raises(StepRefused, match="sent first"):
        check_step("proposed", "accepted", addressed_to="gp")
    with pytest.raises(StepRefused, match="can next be accepted or declined, not actioned"):
        check_step("sent", "actioned", addressed_to="gp", reason="x")
    with pytest.raises(StepRefused, match="only in a signed review"):
        check_step("sent", "proposed", addressed_to="gp")
    with pytest.raises(StepRefused, match="Unknown status 'done'"):
        check_step("sent", "done", addressed_to="gp")


def test_declined_needs_a_reason():
    for reason in (None, "", "   "):
        with pytest.raises(StepRefused, match="Say why it was declined"):
            check_step("sent", "declined", addressed_to="gp", reason=reason)
    check_step("sent", "declined", addressed_to="gp", reason="Pain returns without it")


def test_actioned_by_hand_needs_a_reason_by_a_chart_change_does_not():
    with pytest.raises(StepRefused, match="Say how it was carried out"):
        check_step("accepted", "actioned", addressed_to="gp")
    check_step("accepted", "actioned", addressed_to="gp", chart_line_id=7)
    check_step("accepted", "actioned", addressed_to="home", reason="INR plan set up")


def test_open_and_overdue():
    assert [s for s in STATUSES if is_open(s)] == ["proposed", "sent", "accepted"]
    due = date(2026, 6, 10)
    assert not is_overdue("sent", due, date(2026, 6, 10))  # due today: not yet
    assert is_overdue("sent", due, date(2026, 6, 11))
    assert is_overdue("accepted", due, date(2026, 6, 11))
    assert not is_overdue("actioned", due, date(2026, 7, 1))
    assert not is_overdue("declined", due, date(2026, 7, 1))
    assert not is_overdue("sent", None, date(2030, 1, 1))


def test_who_moves_which_step():
    assert MOVED_BY == {
        "proposed": Mover.PHARMACIST,
        "sent": Mover.HOME,
        "accepted": Mover.HOME,
        "declined": Mover.HOME,
        "actioned": Mover.CHART,
        "outcome reviewed": Mover.PHARMACIST,
    }


def test_what_an_open_recommendation_waits_for():
    assert waiting_for("proposed", "gp") == "gp"
    assert waiting_for("sent", "gp") == "gp"
    assert waiting_for("proposed", "home") == "action"
    assert waiting_for("accepted", "gp") == "action"
    assert waiting_for("actioned", "gp") is None
    assert waiting_for("declined", "home") is None


def test_an_outcome_is_reviewed_with_what_came_of_it():
    with pytest.raises(StepRefused, match="Say what came of it"):
        check_step("actioned", "outcome reviewed", addressed_to="gp", reason="  ")
    check_step("actioned", "outcome reviewed", addressed_to="gp", reason="BP steady")


def test_a_recommendation_sent_with_no_due_date_is_due_two_weeks_after_sending():
    from datetime import date

    from emar.domain.review.recommendations import GP_REPLY_DAYS, due_date

    sent = date(2026, 6, 1)
    assert GP_REPLY_DAYS == 14
    assert due_date(None, "sent", sent) == date(2026, 6, 15)
    assert due_date(date(2026, 6, 5), "sent", sent) == date(2026, 6, 5)  # the pharmacist's
    assert due_date(None, "proposed", None) is None  # not sent yet: the home sends it first
    assert due_date(None, "accepted", sent) is None  # answered: the GP is not chased
    assert not is_overdue("sent", due_date(None, "sent", sent), date(2026, 6, 15))
    assert is_overdue("sent", due_date(None, "sent", sent), date(2026, 6, 16))


@pytest.mark.parametrize("typed", ["outcome reviewed", "outcome_reviewed", "Outcome-Reviewed"])
def test_a_status_typed_any_usual_way_names_it(typed):
    from emar.domain.review.recommendations import status_named

    assert status_named(typed) == "outcome reviewed"
