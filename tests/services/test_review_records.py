"""The pharmacist's signed reviews and their recommendations (both backends): signed with the
pharmacist's PIN only; append-only; every step of a recommendation allowed or refused with the
audit trail; a chart change citing an accepted recommendation actions it; overdue; two PCs at
once; the review list's "reviewed on"."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from emar.errors import ValidationError
from emar.models import (
    AuditEvent,
    ChartLine,
    ChartLineEvent,
    MedicationReview,
    Recommendation,
    RecommendationEvent,
    ReviewLineAssessment,
)
from emar.services.charts.editing import LineForm, add_chart_line, change_line, stop_line
from emar.services.permissions import NotPermitted
from emar.services.review.records import (
    LineAssessment,
    RecommendationForm,
    ReviewForm,
    WaitingCounts,
    last_reviewed,
    list_recommendations,
    move_recommendation,
    recommendations_waiting,
    reviews_of,
    sign_review,
)
from emar.services.review.signals import review_list
from emar.services.staff.signing import PinRefused, Signature, write_signed
from tests.services.test_audit_verify import tamperer
from tests.services.test_audit_verify import verify as audit_verify
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
AT = local(DAY, 10, 0)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def _form(home, resident="Mary Jones", **changes) -> ReviewForm:
    amlo = home.line(resident, "Amlodipine")
    fields = dict(
        resident_id=home.residents[resident],
        mode="in person",
        participants="Nina Patel (nurse), the resident, daughter",
        what_matters="To stay out of hospital and keep walking to the garden",
        summary="BP well controlled; statin at 87 to be discussed",
        assessments=(
            LineAssessment(amlo, "continue"),
            LineAssessment(home.line(resident, "Atorvastatin"), "stop", "Primary prevention at 88"),
        ),
        recommendations=(
            RecommendationForm("gp", "stop", "Stop atorvastatin",
                               home.line(resident, "Atorvastatin"), DAY + timedelta(days=28)),
            RecommendationForm("home", "monitor", "Lying and standing BP monthly", amlo),
        ),
        next_review_on=DAY + timedelta(days=180),
    )  # fmt: skip
    fields.update(changes)
    return ReviewForm(**fields)


def _sign(db, home, form=None, who="phil", pin=None) -> int:
    signature = Signature(who, pin or home.sign(who).pin)
    return write_signed(db, lambda s: sign_review(s, signature, form or _form(home), AT))


def _recs(db, resident_id=None):
    with db.read() as s:
        return {v.kind: v for v in list_recommendations(s, None, AT, resident_id=resident_id)}


def _move(db, home, rec_id, status, by="nina", reason=None, at=AT, **kw):
    with db.write() as s:
        return move_recommendation(s, home.staff[by], rec_id, status, at, reason, **kw)


def _audit(db, prefix):
    with db.read() as s:
        return [
            (a, json.loads(d or "{}"))
            for a, d in s.execute(
                select(AuditEvent.action, AuditEvent.detail)
                .where(AuditEvent.action.like(f"{prefix}%"))
                .order_by(AuditEvent.id)
            )
        ]


def test_a_signed_review_is_saved_whole_with_its_recommendations_proposed(home_db, home):
    review_id = _sign(home_db, home)
    with home_db.read() as s:
        (view,) = reviews_of(s, home.staff["nina"], home.residents["Mary Jones"])
    assert view.id == review_id and view.pharmacist == "Philippa Grant"
    assert view.mode == "in person" and view.next_review_on == date(2026, 12, 7)
    assert [a.assessment for a in view.assessments] == ["continue", "stop"]
    assert [(r.addressed_to, r.kind, r.status) for r in view.recommendations] == [
        ("gp", "stop", "proposed"),
        ("home", "monitor", "proposed"),
    ]
    assert view.recommendations[0].medicine.startswith("Atorvastatin")
    assert view.recommendations[0].history[0].by == "Philippa Grant"
    actions = [a for a, _ in _audit(home_db, "re") if a.startswith(("recommendation", "review"))]
    assert actions == ["recommendation.proposed", "recommendation.proposed", "review.signed"]


def test_a_wrong_pin_signs_nothing_and_is_on_record(home_db, home):
    with pytest.raises(PinRefused):
        _sign(home_db, home, pin="0000")
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicationReview.id))) == 0
        assert s.scalar(select(func.count(Recommendation.id))) == 0
    assert [a for a, _ in _audit(home_db, "pin.failed")] == ["pin.failed"]


@pytest.mark.parametrize("who", ["nina", "mark", "amy"])
def test_only_a_pharmacist_signs_a_review(home_db, home, who):
    with pytest.raises(PinRefused):
        _sign(home_db, home, who=who)
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicationReview.id))) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(mode="by phone"), "mode is one of: in person, remote"),
        (dict(participants="  "), "Who took part is needed"),
        (dict(summary="BP \u202e fine"), "Summary holds a hidden or control character"),
        (dict(assessments=(LineAssessment(1, "halve"),)), "An assessment is one of"),
        (dict(recommendations=(RecommendationForm("gp", "taper", "x"),)), "kind is one of"),
        (dict(recommendations=(RecommendationForm("family", "stop", "x"),)), "addressed to"),
        (dict(recommendations=(RecommendationForm("gp", "stop", ""),)), "recommendation is needed"),
    ],
)
def test_bad_reviews_are_refused_and_nothing_saved(home_db, home, changes, message):
    with pytest.raises(ValidationError, match=message):
        _sign(home_db, home, _form(home, **changes))
    with home_db.read() as s:
        assert s.scalar(select(func.count(MedicationReview.id))) == 0


def test_lines_must_be_the_residents_own(home_db, home):
    other = home.line("Edith Baker", "Furosemide")
    bad = _form(home, assessments=(LineAssessment(other, "stop", "not hers"),))
    with pytest.raises(ValidationError, match=f"Chart line {other} is not on this resident's"):
        _sign(home_db, home, bad)
    bad = _form(home, recommendations=(RecommendationForm("gp", "stop", "Stop it", other),))
    with pytest.raises(ValidationError, match="not on this resident's chart"):
        _sign(home_db, home, bad)
    with home_db.read() as s:
        assert s.scalar(select(func.count(ReviewLineAssessment.id))) == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE medication_review SET summary = 'changed'",
        "DELETE FROM review_line_assessment",
        "UPDATE recommendation SET text = 'changed'",
        "DELETE FROM recommendation_event",
    ],
)
def test_the_review_is_append_only_in_the_database(home_db, home, sql):
    _sign(home_db, home)
    with pytest.raises(DBAPIError), home_db.write() as s:
        s.execute(text(sql))


def test_audit_verify_vouches_for_reviews_and_names_a_changed_one(home_db, home, capsys):
    _sign(home_db, home)
    code, _out, _ = audit_verify(home_db, capsys)
    assert code == 0
    with tamperer(home_db) as conn:
        conn.execute(text("UPDATE recommendation SET text = 'Carry on' WHERE id = 1"))
    code, _, err = audit_verify(home_db, capsys)
    assert code == 1 and "recommendation 1 was changed" in err


def test_a_recommendation_moves_through_every_status_with_the_audit_trail(home_db, home):
    _sign(home_db, home)
    stop = _recs(home_db)["stop"]
    _move(home_db, home, stop.id, "sent", reason="Letter emailed to the surgery")
    _move(home_db, home, stop.id, "accepted", by="mark", reason="Dr Okafor agrees")
    _move(home_db, home, stop.id, "actioned", reason="GP stopped it by letter; chart updated")
    view = _move(home_db, home, stop.id, "outcome reviewed", by="phil", reason="No chest pain")
    assert [h.status for h in view.history] == [
        "proposed",
        "sent",
        "accepted",
        "actioned",
        "outcome reviewed",
    ]
    assert [h.by for h in view.history] == [
        "Philippa Grant",
        "Nina Patel",
        "Mark Hughes",
        "Nina Patel",
        "Philippa Grant",
    ]
    trail = [(a, d["from"], d["to"]) for a, d in _audit(home_db, "recommendation.") if "from" in d]
    assert trail == [
        ("recommendation.sent", "proposed", "sent"),
        ("recommendation.accepted", "sent", "accepted"),
        ("recommendation.actioned", "accepted", "actioned"),
        ("recommendation.outcome_reviewed", "actioned", "outcome reviewed"),
    ]
    with pytest.raises(ValidationError, match="outcome reviewed: nothing follows"):
        _move(home_db, home, stop.id, "actioned", reason="again")


def test_steps_refused_write_nothing(home_db, home):
    _sign(home_db, home)
    recs = _recs(home_db)
    stop, monitor = recs["stop"], recs["monitor"]
    with pytest.raises(ValidationError, match="accepted only once it has been sent"):
        _move(home_db, home, stop.id, "accepted")
    _move(home_db, home, stop.id, "sent")
    with pytest.raises(ValidationError, match="Say why it was declined"):
        _move(home_db, home, stop.id, "declined")
    with pytest.raises(ValidationError, match="can next be accepted or declined, not actioned"):
        _move(home_db, home, stop.id, "actioned", reason="done")
    _move(home_db, home, stop.id, "declined", reason="Had an MI in 2019: secondary prevention")
    with pytest.raises(ValidationError, match="declined: nothing follows"):
        _move(home_db, home, stop.id, "accepted")
    _move(home_db, home, monitor.id, "accepted")  # a home recommendation, accepted in person
    with pytest.raises(ValidationError, match="Say how it was carried out"):
        _move(home_db, home, monitor.id, "actioned")
    with home_db.read() as s:
        steps = s.scalars(select(RecommendationEvent.status).order_by(RecommendationEvent.id))
        assert list(steps) == ["proposed", "proposed", "sent", "declined", "accepted"]


@pytest.mark.parametrize(
    ("status", "by", "who"),
    [
        ("sent", "amy", "Amy Carter \\(carer\\)"),
        ("sent", "ben", "Ben Osei \\(senior carer\\)"),
        ("sent", "phil", "Philippa Grant \\(pharmacist\\)"),
    ],
)
def test_who_may_move_which_step(home_db, home, status, by, who):
    _sign(home_db, home)
    with pytest.raises(NotPermitted, match=who):
        _move(home_db, home, _recs(home_db)["stop"].id, status, by=by)


def test_only_the_pharmacist_reviews_the_outcome(home_db, home):
    _sign(home_db, home)
    monitor = _recs(home_db)["monitor"]
    _move(home_db, home, monitor.id, "accepted")
    _move(home_db, home, monitor.id, "actioned", reason="BP chart started")
    with pytest.raises(NotPermitted, match="Nina Patel \\(nurse\\) may not write pharmacist"):
        _move(home_db, home, monitor.id, "outcome reviewed", reason="fine")


def _new_line(home, resident, medicine, **changes):
    fields = dict(
        medicine_id=0, dose_min=Decimal(1), dose_max=Decimal(1), timing="times_of_day",
        times_of_day="09:00", starts_at=AT, prescriber="Dr Okafor", source="GP letter 12 June",
    )  # fmt: skip
    fields.update(changes)
    return LineForm(**fields)


def test_a_stop_citing_an_accepted_recommendation_actions_it(home_db, home):
    _sign(home_db, home)
    stop = _recs(home_db)["stop"]
    line = home.line("Mary Jones", "Atorvastatin")
    with pytest.raises(ValidationError, match="is proposed, not accepted"), home_db.write() as s:
        stop_line(s, home.staff["nina"], line, "GP: stop", AT, recommendation_id=stop.id)
    _move(home_db, home, stop.id, "sent")
    _move(home_db, home, stop.id, "accepted", reason="Dr Okafor agrees")
    with home_db.write() as s:
        stop_line(s, home.staff["nina"], line, "GP: stop", AT, recommendation_id=stop.id)
    view = _recs(home_db)["stop"]
    assert view.status == "actioned" and view.history[-1].chart_line_id == line
    with home_db.read() as s:
        events = s.execute(
            select(ChartLineEvent.kind, ChartLineEvent.recommendation_id)
            .where(ChartLineEvent.chart_line_id == line)
            .order_by(ChartLineEvent.id)
        ).all()
    assert tuple(events[-1]) == ("stopped", stop.id)


def test_a_change_and_a_new_line_citing_recommendations(home_db, home):
    _sign(home_db, home)
    monitor = _recs(home_db)["monitor"]
    _move(home_db, home, monitor.id, "accepted")
    amlo = home.line("Mary Jones", "Amlodipine")
    with home_db.read() as s:
        med = s.get(ChartLine, amlo).medicine_id
    form = _new_line(home, "Mary Jones", "Amlodipine", medicine_id=med, times_of_day="20:00")
    with home_db.write() as s:
        new = change_line(s, home.staff["nina"], amlo, form, "BP at night", AT,
                          recommendation_id=monitor.id)  # fmt: skip
    with home_db.read() as s:
        assert s.get(ChartLine, new).recommendation_id == monitor.id
    view = _recs(home_db)["monitor"]
    assert view.status == "actioned" and view.history[-1].chart_line_id == new
    assert [h.status for h in view.history].count("actioned") == 1


def test_citing_another_residents_or_a_proposed_recommendation_writes_nothing(home_db, home):
    _sign(home_db, home)
    stop = _recs(home_db)["stop"]
    edith = home.residents["Edith Baker"]
    furosemide = home.line("Edith Baker", "Furosemide")
    with home_db.read() as s:
        med = s.get(ChartLine, furosemide).medicine_id
        lines_before = s.scalar(select(func.count(ChartLine.id)))
    form = _new_line(home, "Edith Baker", "Furosemide", medicine_id=med, recommendation_id=stop.id)
    with pytest.raises(ValidationError, match="for another resident"), home_db.write() as s:
        add_chart_line(s, home.staff["nina"], edith, form)
    with pytest.raises(ValidationError, match="for another resident"), home_db.write() as s:
        stop_line(s, home.staff["nina"], furosemide, "x", AT, recommendation_id=stop.id)
    mary_line = home.line("Mary Jones", "Atorvastatin")
    with home_db.read() as s:
        statin = s.get(ChartLine, mary_line).medicine_id
    form = _new_line(home, "Mary Jones", "x", medicine_id=statin, recommendation_id=stop.id)
    with pytest.raises(ValidationError, match="is proposed, not accepted"), home_db.write() as s:
        add_chart_line(s, home.staff["nina"], home.residents["Mary Jones"], form)
    with home_db.read() as s:
        assert s.scalar(select(func.count(ChartLine.id))) == lines_before
        assert s.scalar(select(func.count(ChartLineEvent.id)).where(
            ChartLineEvent.recommendation_id.is_not(None))) == 0  # fmt: skip
    assert _recs(home_db)["stop"].status == "proposed"


def test_overdue_and_the_waiting_counts(home_db, home):
    _sign(home_db, home)
    recs = _recs(home_db)
    with home_db.read() as s:
        due = DAY + timedelta(days=28)
        on_the_day = list_recommendations(s, None, local(due, 23, 0))
        after = list_recommendations(s, None, local(due + timedelta(days=1), 9, 0))
        assert recommendations_waiting(s, None, AT) == WaitingCounts(1, 1, 0)
        assert recommendations_waiting(s, None, local(due + timedelta(days=1), 9)) == (
            WaitingCounts(awaiting_gp=1, awaiting_action=1, overdue=1)
        )
    assert [r.overdue for r in on_the_day] == [False, False]
    assert [(r.kind, r.overdue) for r in after] == [("stop", True), ("monitor", False)]
    _move(home_db, home, recs["stop"].id, "sent")
    _move(home_db, home, recs["stop"].id, "declined", reason="GP prefers to continue")
    with home_db.read() as s:
        later = local(due + timedelta(days=1), 9)
        assert recommendations_waiting(s, None, later) == WaitingCounts(0, 1, 0)
        assert [r.kind for r in list_recommendations(s, None, later, open_only=True)] == ["monitor"]


def test_two_pcs_moving_one_recommendation_at_once_one_wins(home_db, home):
    _sign(home_db, home)
    stop = _recs(home_db)["stop"]
    _move(home_db, home, stop.id, "sent")
    second: list[BaseException | None] = []

    def other_pc() -> None:
        try:
            _move(home_db, home, stop.id, "declined", by="mark", reason="GP said no",
                  from_status="sent")  # fmt: skip
            second.append(None)
        except BaseException as exc:
            second.append(exc)

    with home_db.write() as s:
        move_recommendation(s, home.staff["nina"], stop.id, "accepted", AT, "GP agrees",
                            from_status="sent")  # fmt: skip
        rival = threading.Thread(target=other_pc)
        rival.start()
        time.sleep(1.0)  # the other PC is now waiting on this transaction
    rival.join(timeout=30)
    assert len(second) == 1 and isinstance(second[0], ValidationError)
    assert "Someone else moved this recommendation just now: it is accepted" in str(second[0])
    assert [h.status for h in _recs(home_db)["stop"].history] == ["proposed", "sent", "accepted"]


def test_last_reviewed_feeds_the_review_lists_reviewed_on(home_db, home):
    mary = home.residents["Mary Jones"]
    with home_db.read() as s:
        before = {r.resident_id: r.last_reviewed for r in review_list(s, None, AT)}
    assert before[mary] is None
    late = local(DAY, 23, 30)  # 22:30 UTC in summer: still the 10th in the home
    write_signed(home_db, lambda s: sign_review(s, home.sign("phil"), _form(home), late))
    with home_db.read() as s:
        found = last_reviewed(s, [mary, home.residents["Edith Baker"]])
        assert list(found) == [mary] and found[mary].on == DAY
        assert found[mary].next_review_on == _form(home).next_review_on
        assert found[mary].assessed_lines == {a.chart_line_id for a in _form(home).assessments}
        after = {r.resident_id: r.last_reviewed for r in review_list(s, None, AT)}
    assert after[mary] == DAY
