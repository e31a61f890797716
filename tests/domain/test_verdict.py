"""A verdict: its stops in order of seriousness, its one headline, and when doses are offered."""

from emar.domain.verdict import Check, CheckCode, Severity, Verdict


def verdict(*checks: Check) -> Verdict:
    return Verdict(tuple(checks), 1, "Mary Jones", None, None, None, None, False)


def stop(code: CheckCode, message: str = "") -> Check:
    return Check(code, Severity.BLOCK, message or code.value)


CHOOSE = stop(CheckCode.DOSE_CHOICE, "Which dose? 1 or 2 tablets")
FINE = Check(CheckCode.RIGHTS, Severity.OK, "Give 1 tablet")


def test_the_most_serious_stop_is_the_headline_whatever_order_the_checks_came_in():
    v = verdict(stop(CheckCode.EARLY, "too early"), stop(CheckCode.WRONG_RESIDENT, "not Mary's"))
    assert v.headline == "STOP: not Mary's"
    assert [c.code for c in v.blocks] == [CheckCode.WRONG_RESIDENT, CheckCode.EARLY]


def test_which_dose_is_a_question_not_a_stop():
    v = verdict(CHOOSE, FINE)
    assert v.blocked and v.asks_dose and not v.stops
    assert v.headline == "Which dose? 1 or 2 tablets"
    assert verdict(FINE).headline == "Give 1 tablet"


def test_doses_are_offered_unless_a_stop_no_one_may_override_stands_in_the_way():
    assert verdict(CHOOSE).offers_doses
    assert verdict(CHOOSE, stop(CheckCode.EARLY)).offers_doses  # a senior may override it
    assert not verdict(CHOOSE, stop(CheckCode.ALREADY)).offers_doses
    assert not verdict(stop(CheckCode.EARLY)).offers_doses  # no range to choose from
    # once a dose is chosen the question goes, and the early stop may be overridden
    assert verdict(stop(CheckCode.EARLY)).overridable
    assert not verdict(stop(CheckCode.ALREADY)).overridable
