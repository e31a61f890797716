"""The pharmacist's review list and review screen (offscreen, both backends): the list as the
demo pharmacist, a resident's review opened by keyboard, the strips' colours for known entries,
the review form filled with real key clicks and signed with the pharmacist's PIN, read-only for
a carer, and a nurse
recording that the GP declined a recommendation. The records' services are the real ones: what
the screen signs is read back from the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt

from emar.domain.review.line_use import line_use
from emar.domain.windows import DoseWindows
from emar.services.review.records import (
    RecommendationForm,
    ReviewForm,
    list_recommendations,
    move_recommendation,
    reviews_of,
    sign_review,
)
from emar.ui.review.dialogs import ReviewQuestions
from emar.ui.review.form import ReviewFormPanel
from emar.ui.review.list_window import ReviewListWindow
from emar.ui.review.review_window import ReviewWindow
from emar.ui.review.strip import UseStrip
from emar.ui.widgets.style import USE_COLOURS
from tests.support.facts import LONDON, entry, not_given, resident
from tests.support.homes import PINS, Home
from tests.support.review import NOW as FACT_NOW
from tests.support.review import med, prn
from tests.support.round_window import open_window, sign_in

AT = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def reviews(qtbot, db, tmp_path, user, questions=None, at=AT) -> ReviewListWindow:
    window = open_window(qtbot, db, tmp_path, lambda: at)
    sign_in(qtbot, window, user, f"{user}-demo-2026")
    assert window.menus.reviews_action.isEnabled()
    if questions is not None:
        window.menus.review_questions = questions
    listing = window.menus.open_reviews()
    assert isinstance(listing, ReviewListWindow)
    qtbot.addWidget(listing)
    qtbot.waitUntil(lambda: listing.model.rowCount() > 0, timeout=20_000)
    return listing


def open_mary(qtbot, listing: ReviewListWindow, home: Home) -> ReviewWindow:
    mary = home.residents["Mary Jones"]
    ids = [listing.model.row(i).resident_id for i in range(listing.model.rowCount())]
    listing.view.selectRow(ids.index(mary))
    listing.view.setFocus()
    qtbot.keyClick(listing.view, Qt.Key.Key_Return)
    review = listing.reviews[mary]
    qtbot.addWidget(review)
    qtbot.waitUntil(lambda: review.page is not None, timeout=20_000)
    return review


def test_the_pharmacist_sees_the_list_ranked_and_opens_a_review(qtbot, home_db, tmp_path):
    home = Home(home_db)
    listing = reviews(qtbot, home_db, tmp_path, "phil")
    rows = [listing.model.row(i) for i in range(listing.model.rowCount())]
    assert {r.name for r in rows} >= {"Mary Jones"}
    statuses = [listing.model.data(listing.model.index(i, 2)) for i in range(len(rows))]
    assert all(s.startswith(("due", "overdue", "reviewed on")) for s in statuses)
    qtbot.waitUntil(  # its own query, beside the list's
        lambda: listing.waiting.text().startswith("Recommendations: 0 awaiting the GP"),
        timeout=10_000,
    )
    review = open_mary(qtbot, listing, home)
    assert review.name.text().startswith("Mary Jones")
    assert "ALLERGIES" in review.allergies.text() and "enicillin" in review.allergies.text()
    assert review.allergies.property("state") == "allergy"
    assert review.facts.text().startswith("Age ")
    assert "regular medicines" in review.totals.text()
    assert "anticholinergic burden" in review.totals.text()
    assert review.form.isVisibleTo(review) and review.assessments
    lines = review.page.chart.lines
    assert review.findChild(UseStrip, f"strip28_{lines[0].id}") is not None
    assert (
        review.findChild(UseStrip, f"strip90_{lines[0].id}").days
        == review.page.chart.use[lines[0].id].days
    )
    listing.close()
    assert not review.isVisible()  # closing the list closes the reviews it opened


def test_the_forms_dates_count_from_the_homes_today_not_the_pcs(qtbot, home_db, tmp_path):
    # 23:30 UTC on 9 June is 00:30 on 10 June in the home (London, summer time)
    at = datetime(2026, 6, 9, 23, 30, tzinfo=UTC)
    listing = reviews(qtbot, home_db, tmp_path, "phil", at=at)
    review = open_mary(qtbot, listing, Home(home_db))
    assert review.page.today == date(2026, 6, 10)
    assert review.form.next_review.date().toPython() == date(2027, 6, 10)
    assert review.form.due.date().toPython() == date(2026, 7, 8)


def test_a_date_the_pharmacist_changed_stays_when_the_homes_today_arrives(qtbot):
    form = ReviewFormPanel(date(2026, 6, 9))
    qtbot.addWidget(form)
    form.due.setDate(date(2026, 6, 20))
    form.set_today(date(2026, 6, 10))
    assert form.due.date().toPython() == date(2026, 6, 20)
    assert form.next_review.date().toPython() == date(2027, 6, 10)


def pixel(strip: UseStrip, index: int, y: int) -> str:
    image = strip.grab().toImage()
    rect = strip.cell_rect(index)
    return image.pixelColor(rect.center().x(), y).name()


def test_the_strips_paint_each_day_in_its_outcomes_colours(qtbot):
    amlo = med("amlodipine", 5)

    def dose(day, code=None, n=0, late=0):
        at = (FACT_NOW - timedelta(days=day)).replace(hour=8, minute=0)
        base = {"id": 100 + n, "chart_line_id": amlo.id, "scheduled_at": at,
                "administered_at": at + timedelta(minutes=late), "recorded_at": at}  # fmt: skip
        return not_given(code, **base) if code else entry(**base)

    entries = [dose(1, None, 1), dose(2, None, 2, late=90), dose(3, "R", 3), dose(4, "W", 4),
               dose(5, "NR", 5)]  # fmt: skip
    use = line_use(amlo, entries, resident(), FACT_NOW, LONDON, DoseWindows(), 7)
    strip = UseStrip(use.days, False, 12)
    qtbot.addWidget(strip)
    strip.show()
    mid = strip.height() // 2
    # oldest first: 14 June (nothing recorded) ... 19 June given, 20 June today (still open)
    assert [pixel(strip, i, mid) for i in range(7)] == [
        USE_COLOURS["missed"],
        USE_COLOURS["not_required"],
        USE_COLOURS["withheld"],
        USE_COLOURS["refused"],
        USE_COLOURS["late"],
        USE_COLOURS["given"],
        "#ffffff",
    ]

    para = prn("paracetamol", 500)
    given = [entry(id=200 + i, chart_line_id=para.id, administered_at=FACT_NOW - timedelta(
        days=1, hours=i)) for i in range(4)]  # fmt: skip
    bars = UseStrip(line_use(para, given, resident(), FACT_NOW, LONDON, DoseWindows(), 3).days,
                    True, 12)  # fmt: skip
    qtbot.addWidget(bars)
    bars.show()
    bottom = bars.height() - 3
    assert pixel(bars, 1, bottom) == USE_COLOURS["prn"]  # 4 doses yesterday: a full bar
    assert pixel(bars, 0, bottom) == "#ffffff"


def test_the_pharmacist_fills_the_form_by_keyboard_and_signs(qtbot, home_db, tmp_path):
    home = Home(home_db)
    questions = ReviewQuestions(ask_pin=lambda parent, who: PINS["phil"])
    listing = reviews(qtbot, home_db, tmp_path, "phil", questions)
    review = open_mary(qtbot, listing, home)
    f = review.form
    qtbot.keyClicks(f.what_matters, "To stay steady on my feet")
    qtbot.keyClicks(f.participants, "Nina Patel (nurse), Mary, her daughter")
    f.mode.setFocus()
    qtbot.keyClick(f.mode, Qt.Key.Key_Down)  # remote
    first = review.page.chart.lines[0]
    combo, reason = review.assessments[first.id]
    combo.setFocus()
    for _ in range(2):
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # "", continue, stop
    qtbot.keyClicks(reason, "no longer needed")
    f.to.setFocus()
    qtbot.keyClicks(f.text, "Stop it and review BP in two weeks")
    f.line.setCurrentIndex(f.line.findData(first.id))
    qtbot.mouseClick(f.has_due, Qt.MouseButton.LeftButton, pos=f.has_due.rect().center())
    f.due.setDate(f.due.date().addDays(-14))  # 14 days from today
    qtbot.mouseClick(f.add, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(f.summary, "Fewer tablets; BP to watch")
    with qtbot.waitSignal(review.signed, timeout=10_000) as done:
        qtbot.mouseClick(f.sign, Qt.MouseButton.LeftButton)
    (review_id,) = done.args
    with home_db.read() as s:
        (signed,) = reviews_of(s, home.staff["phil"], home.residents["Mary Jones"])
    assert signed.id == review_id and signed.pharmacist == "Philippa Grant"
    assert signed.signed_at == AT
    assert signed.mode == "remote"
    assert signed.participants == "Nina Patel (nurse), Mary, her daughter"
    assert signed.what_matters == "To stay steady on my feet"
    assert signed.summary == "Fewer tablets; BP to watch"
    assert [(a.chart_line_id, a.assessment, a.reason) for a in signed.assessments] == [
        (first.id, "stop", "no longer needed")
    ]
    (rec,) = signed.recommendations
    assert (rec.addressed_to, rec.kind, rec.chart_line_id) == ("gp", "stop", first.id)
    assert (rec.text, rec.status) == ("Stop it and review BP in two weeks", "proposed")
    assert rec.due_on == date(2026, 6, 24)
    assert signed.next_review_on == date(2027, 6, 10)
    assert f.participants.text() == "" and f.listed.count() == 0  # ready for the next one
    assert review.message.text().startswith("Review signed")


def test_a_carer_reads_only(qtbot, home_db, tmp_path):
    home = Home(home_db)
    listing = reviews(qtbot, home_db, tmp_path, "amy")
    review = open_mary(qtbot, listing, home)
    assert not review.form.isVisibleTo(review)
    assert review.assessments == {}
    assert not review.move_button.isVisibleTo(review)
    review.sign()  # even called directly, nothing is signed
    assert "Only a pharmacist" in review.message.text()


def test_a_nurse_records_that_the_gp_declined_with_the_reason(qtbot, home_db, tmp_path):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    form = ReviewForm(
        mary,
        "in person",
        "Nina Patel (nurse)",
        recommendations=(
            RecommendationForm("gp", "stop", "Stop aspirin", due_on=date(2026, 6, 1)),
        ),
    )
    earlier = AT - timedelta(days=20)
    with home_db.write() as s:
        sign_review(s, home.sign("phil"), form, earlier)
    with home_db.write() as s:
        (rec,) = list_recommendations(s, home.staff["nina"], earlier, resident_id=mary)
        move_recommendation(s, home.staff["nina"], rec.id, "sent", earlier)
    questions = ReviewQuestions(ask_reason=lambda parent, title, q: "GP wants to keep it")
    listing = reviews(qtbot, home_db, tmp_path, "nina", questions)
    review = open_mary(qtbot, listing, home)
    qtbot.waitUntil(lambda: review.recommendations.rowCount() == 1, timeout=10_000)
    assert review.recommendations.data(review.recommendations.index(0, 3)) == "sent  OVERDUE"
    assert not review.form.isVisibleTo(review)  # a nurse does not write the review
    review.rec_view.selectRow(0)
    review.next_step.setCurrentText("declined")
    with qtbot.waitSignal(review.moved, timeout=10_000):
        qtbot.mouseClick(review.move_button, Qt.MouseButton.LeftButton)
    with home_db.read() as s:
        (now_declined,) = list_recommendations(s, home.staff["nina"], AT, resident_id=mary)
    assert now_declined.status == "declined"
    assert now_declined.history[-1].reason == "GP wants to keep it"
    assert now_declined.history[-1].by == "Nina Patel"
