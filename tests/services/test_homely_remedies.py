"""Homely remedies through the real services on both backends (issue 18, part 6): the home's
remedy and its protocol, a GP's authorisation for a resident (a PRN chart line, checked by a
second person), the round giving it by scan with the chart line's limits and the protocol's
rules (review date, 48 hours), and the home's stock book."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from emar.domain.verdict import CheckCode
from emar.errors import EmarError, ValidationError
from emar.models import ChartLine, HomelyStock, Medicine, StockMovement
from emar.services.audit.verify import verify_trail
from emar.services.charts.editing import stop_line
from emar.services.charts.homely_remedies import (
    RemedyForm,
    add_remedy,
    authorise,
    balance,
    count,
    current_authorisations,
    dispose,
    list_remedies,
    receive,
    stock_book,
    withdraw,
)
from emar.services.charts.ordering import draft_order
from emar.services.round.alerts import stock_running_out
from emar.services.round.due import due_list
from emar.services.round.facts import load_lines
from emar.services.round.recording import Blocked, Override, Recorded, correct_entry, record_given
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
EDITH = "Edith Baker"  # no senna and no paracetamol on her chart
SET_UP = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def home(home_db):
    return Home(home_db)


def senna_remedy(db, home) -> int:
    """Senna 7.5 mg: 2 tabletss, at least 4 hours apart, at most 2 doses in 24 hours, for
    48 hours before the GP is told; 20 tablets in the home's stock."""
    with db.write() as s:
        senna = s.scalar(select(Medicine.id).where(Medicine.name == "Senna"))
        remedy = add_remedy(
            s,
            home.staff["nina"],
            RemedyForm(senna, "Constipation", Decimal(2), Decimal(2), 240, 2, 48),
        )
        receive(s, home.staff["mark"], remedy, Decimal(20), SET_UP, batch="SN42",
                expiry=date(2027, 3, 31))  # fmt: skip
    return remedy


def authorised(db, home, remedy, *, review=date(2026, 9, 1), checked=True) -> int:
    with db.write() as s:
        return authorise(
            s,
            home.staff["nina"],
            home.residents[EDITH],
            remedy,
            gp_name="Dr Shah",
            authorised_on=date(2026, 6, 1),
            review_date=review,
            checker=home.sign("ben") if checked else None,
            at=SET_UP,
        )


def give(db, home, at, **kwargs) -> Recorded:
    intent = home.intent(EDITH, "Senna", at)
    with db.write() as s:
        return record_given(s, intent, at, prn_reason="Constipation", **kwargs)


def stops(excinfo) -> list[CheckCode]:
    return [c.code for c in excinfo.value.verdict.stops]


def test_given_by_scan_from_the_homes_stock_and_shown_on_the_chart(home_db, home):
    remedy = senna_remedy(home_db, home)
    auth = authorised(home_db, home, remedy)
    recorded = give(home_db, home, local(DAY, 9))
    assert recorded.message == "Recorded: Edith Baker given Senna 7.5 mg tablets."
    with home_db.read() as s:
        assert balance(s, remedy) == Decimal(18)
        (row,) = current_authorisations(s, resident_id=home.residents[EDITH], today=DAY)
        assert (row.id, row.gp_name, row.review_due) == (auth, "Dr Shah", False)
        line = s.get(ChartLine, row.chart_line_id)
        assert (line.source, line.prescriber, line.timing) == ("homely remedy", "Dr Shah", "prn")
        # the home's stock, not Edith's: no resident stock movement for it
        assert not s.scalars(
            select(StockMovement).where(
                StockMovement.administration_id == recorded.administration_id
            )
        ).all()
        given = s.scalars(select(HomelyStock).where(HomelyStock.kind == "given")).one()
        assert (given.quantity, given.administration_id) == (
            Decimal(-2),
            recorded.administration_id,
        )


def test_too_soon_and_the_maximum_in_24_hours_are_the_chart_lines_limits(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    give(home_db, home, local(DAY, 9))
    with pytest.raises(Blocked) as soon:
        give(home_db, home, local(DAY, 11))
    assert stops(soon) == [CheckCode.PRN_INTERVAL]
    give(home_db, home, local(DAY, 14))
    with pytest.raises(Blocked) as most:
        give(home_db, home, local(DAY, 19))
    assert set(stops(most)) == {CheckCode.PRN_MAXIMUM}  # the doses, and the sennosides
    assert "2 of 2 doses of Senna" in most.value.verdict.headline


def test_after_48_hours_the_carer_is_told_to_contact_the_gp_and_no_one_overrides(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    for day, hour in ((10, 9), (10, 21), (11, 9), (11, 21)):
        give(home_db, home, local(date(2026, 6, day), hour))
    with pytest.raises(Blocked) as late:
        give(home_db, home, local(date(2026, 6, 12), 9))  # 48 h after the first
    assert stops(late) == [CheckCode.HOMELY_REMEDY]
    assert late.value.verdict.headline.startswith(
        "STOP: Contact the GP: homely remedy given for 48 hours"
    )
    override = Override(home.sign("ben"), "Resident asking")
    with pytest.raises(Blocked):
        give(home_db, home, local(date(2026, 6, 12), 9), override=override)
    with home_db.read() as s:
        assert balance(s, remedy) == Decimal(12)  # 20 - 4 doses of 2


def test_an_authorisation_past_its_review_date_is_refused(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy, review=date(2026, 6, 9))
    with pytest.raises(Blocked) as due:
        give(home_db, home, local(DAY, 9))
    assert stops(due) == [CheckCode.HOMELY_REMEDY]
    assert "due for review on 09/06/2026: ask Dr Shah" in due.value.verdict.headline
    with home_db.read() as s:
        (row,) = current_authorisations(s, today=DAY)
        assert row.review_due


def test_no_authorisation_unchecked_or_withdrawn_is_not_given(home_db, home):
    remedy = senna_remedy(home_db, home)
    with pytest.raises(Blocked) as none:
        give(home_db, home, local(DAY, 9))
    assert stops(none) == [CheckCode.WRONG_RESIDENT]  # senna is on John Smith's chart only
    auth = authorised(home_db, home, remedy, checked=False)
    with pytest.raises(Blocked) as pending:
        give(home_db, home, local(DAY, 9))
    assert CheckCode.LINE_STATUS in stops(pending)
    with home_db.write() as s:
        withdraw(s, home.staff["nina"], auth, "GP stopped it", local(DAY, 8))
    with pytest.raises(Blocked) as gone:
        give(home_db, home, local(DAY, 9))
    assert CheckCode.LINE_STATUS in stops(gone) and CheckCode.HOMELY_REMEDY in stops(gone)
    with home_db.read() as s:
        assert current_authorisations(s, today=DAY) == []
    with pytest.raises(ValidationError, match="already been withdrawn"), home_db.write() as s:
        withdraw(s, home.staff["nina"], auth, "again", local(DAY, 8))


def test_the_stock_book_balances(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    give(home_db, home, local(DAY, 9))
    nina = home.staff["nina"]
    with (
        pytest.raises(ValidationError, match="differs from the stock book by -1: say why"),
        home_db.write() as s,
    ):
        count(s, nina, remedy, Decimal(17), local(DAY, 12))
    with home_db.write() as s:
        assert count(s, nina, remedy, Decimal(17), local(DAY, 12), reason="One dropped") == -1
        dispose(s, nina, remedy, Decimal(5), "Expired strip", local(DAY, 13))
        with pytest.raises(ValidationError, match="more than the stock book holds"):
            dispose(s, nina, remedy, Decimal(13), "Too many", local(DAY, 13))
    with home_db.read() as s:
        book = stock_book(s, remedy)
        assert [(r.kind, r.quantity, r.balance) for r in book] == [
            ("received", 20, 20),
            ("given", -2, 18),
            ("counted", -1, 17),
            ("disposed", -5, 12),
        ]
        assert (book[0].batch, book[0].expiry) == ("SN42", date(2027, 3, 31))
        assert book[2].counted == 17
        (listed,) = list_remedies(s)
        assert (listed.medicine, listed.dose, listed.balance) == (
            "Senna 7.5 mg tablets", "2 tablets", Decimal(12),
        )  # fmt: skip
        report = verify_trail(s)  # the chain vouches for every row of the book
        assert report.ok, report.problems
    for sql in ("UPDATE homely_stock SET quantity = 99", "DELETE FROM homely_authorisation"):
        with pytest.raises(IntegrityError, match="append-only"), home_db.write() as s:
            s.execute(text(sql))


def test_bad_input_and_the_wrong_role_change_nothing(home_db, home):
    remedy = senna_remedy(home_db, home)
    with home_db.write() as s:
        with pytest.raises(ValidationError, match="review date must be on or after"):
            authorise(s, home.staff["nina"], home.residents[EDITH], remedy, gp_name="Dr Shah",
                      authorised_on=DAY, review_date=date(2026, 6, 1), at=SET_UP)  # fmt: skip
        with pytest.raises(EmarError):
            authorise(s, home.staff["amy"], home.residents[EDITH], remedy, gp_name="Dr Shah",
                      authorised_on=DAY, review_date=date(2026, 9, 1), at=SET_UP)  # fmt: skip
        with pytest.raises(EmarError):
            receive(s, home.staff["amy"], remedy, Decimal(5), SET_UP)
        with pytest.raises(ValidationError, match="more than zero"):
            receive(s, home.staff["mark"], remedy, Decimal(0), SET_UP)
    authorised(home_db, home, remedy)
    with pytest.raises(ValidationError, match="already has an authorisation"):
        authorised(home_db, home, remedy)
    with home_db.read() as s:
        assert len(current_authorisations(s, today=DAY)) == 1
        assert balance(s, remedy) == Decimal(20)


def test_a_correction_gives_the_dose_back_to_the_homes_stock(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    first = give(home_db, home, local(DAY, 9))
    with home_db.write() as s:
        correct_entry(
            s,
            administration_id=first.administration_id,
            staff_id=home.staff["ben"],
            reason="Recorded for the wrong resident",
            now=local(DAY, 9, 30),
            outcome="not_given",
            code="X",
        )
    with home_db.read() as s:
        assert balance(s, remedy) == Decimal(20)
        assert [(r.kind, r.quantity, r.reason) for r in stock_book(s, remedy)][1:] == [
            ("given", -2, None),
            ("given", 2, "Recorded for the wrong resident"),
        ]
        assert not s.scalars(
            select(StockMovement).where(StockMovement.chart_line_id.in_(
                select(ChartLine.id).where(ChartLine.source == "homely remedy")
            ))
        ).all()  # fmt: skip


def test_neither_ordered_from_the_pharmacy_nor_flagged_as_running_out(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    with home_db.read() as s:
        (row,) = current_authorisations(s, today=DAY)
        lines = load_lines(s, [home.residents[EDITH]], local(DAY, 9))
        assert row.chart_line_id in [ln.id for ln in lines]
        assert row.chart_line_id not in [ln.id for ln, _ in stock_running_out(s, lines)]
        draft = draft_order(s, home.staff["nina"], date(2026, 6, 15), local(DAY, 9))
        assert row.chart_line_id not in [x.chart_line_id for x in draft.lines]
        assert home.residents[EDITH] in [x.resident_id for x in draft.lines]  # her others are


def test_the_round_list_never_offers_what_the_protocol_would_stop(home_db, home):
    remedy = senna_remedy(home_db, home)
    authorised(home_db, home, remedy)
    for day, hour in ((10, 9), (10, 21), (11, 9)):
        give(home_db, home, local(date(2026, 6, day), hour))

    def senna_status(at):
        with home_db.read() as s:
            (r,) = due_list(s, at, resident_ids=[home.residents[EDITH]])
        return next(p for p in r.prn if p.medicine.startswith("Senna"))

    assert senna_status(local(date(2026, 6, 11), 21)).available  # 36 hours after the first
    give(home_db, home, local(date(2026, 6, 11), 21))
    late = senna_status(local(date(2026, 6, 12), 9))
    assert not late.available
    assert late.why.startswith("Contact the GP: homely remedy given for 48 hours")


def test_withdrawn_after_its_line_was_stopped_on_the_chart(home_db, home):
    remedy = senna_remedy(home_db, home)
    auth = authorised(home_db, home, remedy)
    with home_db.write() as s:
        (row,) = current_authorisations(s, today=DAY)
        stop_line(s, home.staff["nina"], row.chart_line_id, "GP: stop senna", local(DAY, 8))
        withdraw(s, home.staff["nina"], auth, "GP stopped it", local(DAY, 9))
    with home_db.read() as s:
        assert current_authorisations(s, today=DAY) == []
        line = s.get(ChartLine, row.chart_line_id)
        assert [e.kind for e in line.events] == ["checked", "stopped"]
