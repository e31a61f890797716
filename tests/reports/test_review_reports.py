"""The pharmacist's two reports read back: the medication review letter for the GP and the
home's medicines-optimisation report, from review rows inserted through the models.

The demo home as built on 1 June 2026 (charts from 18 May, no history). Mary Jones refused her
amlodipine three mornings running; Philippa Grant (pharmacist) signed a review of her on
10 June 2026 with recommendations in several states; Edith Baker's furosemide (ACB 1) was
stopped on 11 June carrying out a recommendation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from emar.errors import ValidationError
from emar.models import Administration
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportRequest, day_bounds, make_report
from tests.support.homes import Home, local
from tests.support.pdf_checks import overflows, page_texts, pdf_text
from tests.support.review_rows import add_recommendation, add_review, stop_line

REVIEW_DAY = date(2026, 6, 10)
FIRST, LAST = date(2026, 6, 2), date(2026, 6, 14)
PRINTED = local(date(2026, 6, 12), 12)  # the period is cut at the printing


def _refusals(s, home: Home) -> None:
    line = home.line("Mary Jones", "Amlodipine")
    for d in (7, 8, 9):
        at = local(date(2026, 6, d), 8)
        s.add(
            Administration(
                chart_line_id=line, scheduled_at=at, outcome="not_given", not_given_code="R",
                administered_at=at, recorded_at=at, staff_id=home.staff["amy"],
                note="would not open her mouth" if d == 8 else None,
            )
        )  # fmt: skip
    s.flush()


@pytest.fixture
def reviewed(home_db) -> Home:
    home = Home(home_db)
    mary, phil, nina = home.residents["Mary Jones"], home.staff["phil"], home.staff["amy"]
    amlodipine = home.line("Mary Jones", "Amlodipine")
    atorvastatin = home.line("Mary Jones", "Atorvastatin")
    signed = local(REVIEW_DAY, 14, 20)
    with home_db.write() as s:
        _refusals(s, home)
        review = add_review(
            s, mary, phil, signed,
            assessments=[
                (amlodipine, "stop", "Refused most mornings; BP 112/70 on the last three checks"),
                (atorvastatin, "continue", None),
            ],
            next_review_on=date(2027, 6, 10),
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed,
            chart_line_id=amlodipine, text="Stop amlodipine: blood pressure low, often refused",
            steps=[("sent", signed + timedelta(hours=1)),
                   ("accepted", local(date(2026, 6, 11), 10))],
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="reduce",
            chart_line_id=atorvastatin, text="Reduce atorvastatin to 10 mg at night",
            steps=[("sent", signed + timedelta(hours=1)),
                   ("declined", local(date(2026, 6, 12), 9), "Recent stroke: keep the dose")],
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="monitor",
            addressed_to="home", text="Weigh Mary monthly and record it",
            steps=[("accepted", signed + timedelta(hours=2))],
        )  # fmt: skip
        add_recommendation(
            s, review_id=review, resident_id=mary, by=phil, created_at=signed, kind="other",
            text="Consider a liquid form if tablets stay hard to swallow",
            steps=[("sent", signed + timedelta(hours=1))],
        )  # fmt: skip
        # another resident: stopped, carrying out an accepted recommendation
        edith = home.residents["Edith Baker"]
        furosemide = home.line("Edith Baker", "Furosemide")
        rec = add_recommendation(
            s, resident_id=edith, by=phil, created_at=local(REVIEW_DAY, 15),
            chart_line_id=furosemide, text="Stop furosemide: no oedema, dizzy on standing",
            steps=[("sent", local(REVIEW_DAY, 16)), ("accepted", local(date(2026, 6, 11), 9)),
                   ("actioned", local(date(2026, 6, 11), 11))],
        )  # fmt: skip
        stop_line(s, furosemide, local(date(2026, 6, 11), 11), nina, "GP agreed", rec)
    return home


def _make(db, home: Home, kind: ReportKind, out: Path, scope: Scope, **kw) -> Path:
    made = make_report(
        db, ReportRequest(kind, scope, **kw), out, now=PRINTED, staff_id=home.staff["mark"],
        printed_by="",
    )  # fmt: skip
    assert made.pages >= 1 and out.exists()
    pages = page_texts(out)
    for n, text in enumerate(pages, start=1):
        assert "Willow Court Care Home" in text and f"Page {n} of {len(pages)}" in text
        assert "Checkpoint:" in text  # the audit checkpoint on every page
    assert overflows(out) == []
    return out


def test_the_review_letter_tells_the_gp(home_db, reviewed, tmp_path):
    mary = reviewed.residents["Mary Jones"]
    start, end = day_bounds(FIRST, LAST, local(FIRST, 0).tzinfo)
    out = _make(
        home_db, reviewed, ReportKind.MEDICATION_REVIEW, tmp_path / "letter.pdf",
        Scope(start, end, resident_id=mary),
    )  # fmt: skip
    text = " ".join(pdf_text(out).split())
    assert "Medication review: Mary Jones" in text
    assert "12 Apr 1938" in text  # date of birth
    assert "Philippa Grant" in text and "10 Jun 2026 at 14:20 BST" in text
    assert "granddaughter's wedding" in text  # what matters to me
    assert "Stop amlodipine: blood pressure low, often refused" in text
    assert "Recent stroke: keep the dose" in text  # declined, with the GP's reason
    assert "Weigh Mary monthly" in text  # to the home
    assert "STOP" in text and "Refused most mornings" in text  # the line's assessment
    assert "refused often" in text  # the signal's title
    assert '08/06 08:00 refused ("would not open her mouth")' in text  # its evidence
    assert "Penicillin" in text  # allergy
    # the GP ticks a reply only for what awaits one (the liquid form, sent); not the stop
    # (accepted) nor the reduction (declined)
    assert text.count("[ ] Accept") == 1 and "Decline" in text
    assert "Signed electronically with their PIN by Philippa Grant" in text


def test_no_review_no_letter(home_db, reviewed, tmp_path):
    start, end = day_bounds(FIRST, LAST, local(FIRST, 0).tzinfo)
    out = tmp_path / "none.pdf"
    with pytest.raises(ValidationError, match="No signed review for Edith Baker"):
        make_report(
            home_db,
            ReportRequest(
                ReportKind.MEDICATION_REVIEW,
                Scope(start, end, resident_id=reviewed.residents["Edith Baker"]),
            ),
            out,
            now=PRINTED,
            staff_id=reviewed.staff["mark"],
            printed_by="",
        )
    assert not out.exists()
    with pytest.raises(ValidationError, match="one resident"):
        make_report(
            home_db, ReportRequest(ReportKind.MEDICATION_REVIEW, Scope(start, end)), out,
            now=PRINTED, staff_id=None, printed_by="test",
        )  # fmt: skip


def test_the_optimisation_report_counts_by_hand(home_db, reviewed, tmp_path):
    start, end = day_bounds(FIRST, LAST, local(FIRST, 0).tzinfo)
    out = _make(
        home_db, reviewed, ReportKind.OPTIMISATION, tmp_path / "optimisation.pdf",
        Scope(start, end),
    )  # fmt: skip
    text = " ".join(pdf_text(out).split())
    assert "Medicines optimisation" in text
    assert "02 Jun 2026 00:00 BST to 12 Jun 2026 12:00 BST" in text
    # 5 recommendations: accepted (Mary's stop), declined, accepted (home), sent, actioned
    # (Edith's, accepted first): accepted 3, declined 1 -> 3 / (3 + 1) = 75.0%
    assert "75.0% (3 accepted, 1 declined)" in text
    assert "5 (4 to the GP, 1 to the home)" in text
    assert "Residents reviewed" in text and "Mary Jones" in text and "Philippa Grant" in text
    assert "Refused often" in text  # a signal type, now
    assert "Medicines stopped" in text and "Stop furosemide" in text
    assert "1, of which 1 carried out a recommendation" in text
    # the demo home's 22 residents; Edith's furosemide (ACB 1, regular) stopped: the ACB total
    # goes from 13 to 12, averages 0.59 and 0.55 as shown, down 0.04; Albert's 7-day
    # amoxicillin course (ACB 0, regular) also ended on 5 June, so the regular medicines fall
    # by 2 / 22 = 0.09
    assert "compare the same 22 residents at both moments" in text
    acb = text.split("Average anticholinergic burden (ACB) per resident")[1]
    assert (
        "0.59 at the start, 0.55 at the end (down 0.04), for the 22 residents here "
        in (acb.split("Average regular")[0])
    )
    regular = text.split("Average regular medicines per resident")[1]
    assert "(down 0.09)" in regular.split("Refusals")[0]
    assert "Refusals 3 of " in text  # Mary's three refusals


def test_the_burden_averages_follow_the_same_residents_not_who_arrived():
    """A resident admitted mid-period on amitriptyline (ACB 3) would pull the home's average
    up at the end; the report compares only those here at both moments: resident 1, whose
    oxybutynin (ACB 3) was stopped, goes from 3 to 0."""
    from datetime import UTC, datetime

    from emar.infra.medicine_reference import load_knowledge
    from emar.reports.optimisation_data import _burdens
    from tests.support.review import med

    start = datetime(2026, 6, 1, tzinfo=UTC)
    end = datetime(2026, 6, 29, tzinfo=UTC)
    stopped = med(
        "oxybutynin",
        resident_id=1,
        starts_at=start - timedelta(days=90),
        active_periods=((start - timedelta(days=90), start + timedelta(days=7)),),
    )
    kept = med(
        "amlodipine",
        resident_id=1,
        starts_at=start - timedelta(days=90),
        active_periods=((start - timedelta(days=90), None),),
    )
    newcomer = med("amitriptyline", resident_id=2, starts_at=start + timedelta(days=10),
                   active_periods=((start + timedelta(days=10), None),))  # fmt: skip
    residents = [
        (1, start - timedelta(days=400), "resident"),
        (2, start + timedelta(days=10), "resident"),
    ]
    before, after = _burdens(start, end, residents, [stopped, kept, newcomer], load_knowledge())
    assert (before.residents, after.residents) == (1, 1)
    assert (before.average_acb, after.average_acb) == (3, 0)
    assert (before.average_regular, after.average_regular) == (2, 1)
