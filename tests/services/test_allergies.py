"""Allergies as records (both backends): recorded, changed, resolved and withdrawn as new rows
superseding the old; coded to the reference where it knows the substance; met at transcription,
at the second check and at every scan."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from emar.domain.verdict import CheckCode
from emar.errors import ValidationError
from emar.models import Allergy, AuditEvent, Medicine, Resident
from emar.services.charts import catalogue
from emar.services.charts.allergy_checks import AllergyStop, line_allergy_conflicts
from emar.services.charts.editing import (
    LineForm,
    add_chart_line,
    check_chart_line,
    transcribe_line,
)
from emar.services.permissions import NotPermitted
from emar.services.residents import admission
from emar.services.residents.allergies import (
    AllergyForm,
    change_allergy,
    list_allergies,
    record_allergy,
    record_no_known_allergies,
    resolve_allergy,
    withdraw_allergy,
)
from emar.services.residents.reading import list_residents
from emar.services.round.verification import verify
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
AT = local(DAY, 9, 0)
MARY_STOP = "ALLERGY: Mary Jones is allergic to Penicillin (rash): amoxicillin is a penicillin."


def _medicine(db, name: str) -> int:
    with db.read() as s:
        return s.scalars(select(Medicine.id).where(Medicine.name == name)).one()


def _mary_allergy(db, home: Home) -> int:
    with db.read() as s:
        return list_allergies(s, home.residents["Mary Jones"]).active[0].id


def _line_form(medicine_id: int, **extra) -> LineForm:
    return LineForm(
        medicine_id, Decimal(1), Decimal(1), "times_of_day", AT, "Dr Okafor", "GP letter",
        times_of_day="10:00", **extra,
    )  # fmt: skip


def _actions(db) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("allergy.%"))
                .order_by(AuditEvent.id)
            )
        )


def test_record_change_resolve_withdraw_keep_every_row(home_db):
    home = Home(home_db)
    mary, staff = home.residents["Mary Jones"], home.staff
    penicillin = _mary_allergy(home_db, home)
    with home_db.write() as s:  # a carer may add one: safety first
        latex = record_allergy(
            s, staff["amy"], mary, AllergyForm("Latex", "itching", category="environment")
        )
    assert not latex.coded and latex.lines == ()
    assert latex.message("Latex recorded.") == ("Latex recorded. (not coded: matched by name only)")
    with home_db.write() as s:
        changed = change_allergy(
            s, staff["ben"], penicillin,
            AllergyForm("Penicillin", "anaphylaxis", "severe", "high"), "hospital letter",
        )  # fmt: skip
    with home_db.read() as s:
        now = list_allergies(s, mary)
        assert [(a.shown, a.note, a.severity, a.recorded_by) for a in now.active] == [
            ("Latex (itching)", "not coded: matched by name only", None, "Amy Carter"),
            ("Penicillin (anaphylaxis)", "", "severe", "Ben Osei"),
        ]
        new = s.get(Allergy, changed.allergy_id)
        assert (new.code_kind, new.code, new.supersedes_id) == ("class", "penicillins", penicillin)
        old = s.get(Allergy, penicillin)  # untouched
        assert (old.reaction, old.status, old.supersedes_id) == ("rash", "active", None)
    with home_db.write() as s:
        resolve_allergy(s, staff["nina"], latex.allergy_id, "patch test negative")
    with home_db.write() as s:
        withdraw_allergy(s, staff["phil"], changed.allergy_id, "wrong resident's letter")
    with home_db.read() as s:
        after = list_allergies(s, mary, include_history=True)
        summary = next(r for r in list_residents(s, AT) if r.id == mary)
    assert after.active == () and after.summary == "Allergies not recorded"
    assert summary.allergy_text == "Allergies not recorded"
    assert [[(a.substance, a.status, a.change_reason) for a in c] for c in after.history] == [
        [
            ("Penicillin", "active", None),
            ("Penicillin", "active", "hospital letter"),
            ("Penicillin", "entered-in-error", "wrong resident's letter"),
        ],
        [("Latex", "active", None), ("Latex", "resolved", "patch test negative")],
    ]
    assert _actions(home_db)[-4:] == [
        "allergy.recorded", "allergy.changed", "allergy.resolved", "allergy.withdrawn",
    ]  # fmt: skip


def test_the_database_refuses_to_update_or_delete_an_allergy(home_db):
    home = Home(home_db)
    penicillin = _mary_allergy(home_db, home)
    for sql in (
        f"UPDATE allergy SET reaction = 'none' WHERE id = {penicillin}",
        f"DELETE FROM allergy WHERE id = {penicillin}",
    ):
        with pytest.raises(DBAPIError, match="append-only"), home_db.write() as s:
            s.execute(text(sql))
    with home_db.read() as s:
        assert s.get(Allergy, penicillin).reaction == "rash"


def test_a_row_already_superseded_cannot_be_changed_again(home_db):
    home = Home(home_db)
    penicillin = _mary_allergy(home_db, home)
    with home_db.write() as s:
        resolve_allergy(s, home.staff["ben"], penicillin, "tested negative")
    with (
        pytest.raises(ValidationError, match="Someone else changed this allergy just now"),
        home_db.write() as s,
    ):
        change_allergy(s, home.staff["nina"], penicillin, AllergyForm("Penicillin"), "typo")


def test_two_pcs_changing_the_same_allergy_at_once_one_wins(home_db):
    """The second waits for the first's commit (SQLite: its write lock; PostgreSQL: the unique
    index on supersedes_id) and is told clearly; one new row only."""
    home = Home(home_db)
    penicillin = _mary_allergy(home_db, home)
    second: list[BaseException | None] = []

    def other_pc() -> None:
        try:
            with home_db.write() as s:
                change_allergy(
                    s, home.staff["nina"], penicillin, AllergyForm("Penicillin", "hives"), "GP"
                )
            second.append(None)
        except BaseException as exc:
            second.append(exc)

    with home_db.write() as s:
        change_allergy(
            s, home.staff["ben"], penicillin, AllergyForm("Penicillin", "wheeze"), "letter"
        )
        rival = threading.Thread(target=other_pc)
        rival.start()
        time.sleep(1.0)  # the other PC is now waiting on this transaction
    rival.join(timeout=30)
    assert len(second) == 1 and isinstance(second[0], ValidationError)
    assert "Someone else changed this allergy just now" in str(second[0])
    with home_db.read() as s:
        successors = s.scalars(select(Allergy.reaction).where(Allergy.supersedes_id == penicillin))
        assert list(successors) == ["wheeze"]


def test_who_may_add_and_who_may_take_away(home_db):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    penicillin = _mary_allergy(home_db, home)
    with pytest.raises(NotPermitted, match="may not record an allergy"), home_db.write() as s:
        record_allergy(s, home.staff["sam"], mary, AllergyForm("Latex"))
    with (
        pytest.raises(NotPermitted, match="Amy Carter \\(carer\\) may not change, resolve"),
        home_db.write() as s,
    ):
        resolve_allergy(s, home.staff["amy"], penicillin, "she says not")
    with home_db.read() as s:
        assert [a.id for a in list_allergies(s, mary).active] == [penicillin]


def test_no_known_allergies_is_refused_while_one_is_active_and_cleared_by_a_new_one(home_db):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    penicillin = _mary_allergy(home_db, home)
    with (
        pytest.raises(ValidationError, match=r"has active allergies \(Penicillin \(rash\)\)"),
        home_db.write() as s,
    ):
        record_no_known_allergies(s, home.staff["ben"], mary)
    with home_db.write() as s:
        withdraw_allergy(s, home.staff["ben"], penicillin, "another resident's")
    with home_db.write() as s:
        record_no_known_allergies(s, home.staff["ben"], mary)
    with home_db.read() as s:
        assert list_allergies(s, mary).summary == "No known allergies"
    with home_db.write() as s:
        record_allergy(s, home.staff["amy"], mary, AllergyForm("Strawberries", category="food"))
    with home_db.read() as s:
        assert s.get(Resident, mary).no_known_allergies is False
        assert list_allergies(s, mary).summary == "Strawberries"
    assert _actions(home_db)[-3:] == ["allergy.withdrawn", "allergy.none_known", "allergy.recorded"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (AllergyForm("Peni\u202ecillin"), "hidden or control character \\(U\\+202E\\)"),
        (AllergyForm("x" * 101), "too long: at most 100"),
        (AllergyForm("Penicillin", "rash\x1b[2J"), "Reaction holds a hidden or control"),
        (AllergyForm("Penicillin", severity="deadly"), "Severity is one of: mild"),
        (AllergyForm("Penicillin", dmd_code="999"), "No product with dm\\+d code 999"),
    ],
)
def test_strange_text_and_unknown_choices_are_refused(home_db, form, message):
    home = Home(home_db)
    with pytest.raises(ValidationError, match=message), home_db.write() as s:
        record_allergy(s, home.staff["amy"], home.residents["Mary Jones"], form)


def test_coded_to_a_catalogue_product_by_its_dmd_code(home_db):
    home = Home(home_db)
    with home_db.write() as s:
        med = s.get(Medicine, _medicine(home_db, "Amoxicillin"))
        med.dmd_code = "323509004"
    with home_db.write() as s:
        found = record_allergy(
            s, home.staff["nina"], home.residents["Winifred Hall"],
            AllergyForm("Amoxicillin 500 mg capsules", "rash", dmd_code="323509004"),
        )  # fmt: skip
        row = s.get(Allergy, found.allergy_id)
        assert (row.code_kind, row.code, found.coded) == ("dmd", "323509004", True)


def test_admission_records_its_allergies_as_coded_signed_records(home_db):
    home = Home(home_db)
    form = admission.AdmissionForm(
        "Rose", "Tyler", date(1941, 3, 3), 1, "G11",
        allergies=[("Penicillin", "rash"), ("Strawberries", None)],
    )  # fmt: skip
    with home_db.write() as s:
        rid = admission.admit_resident(s, home.staff["nina"], form)
    with home_db.read() as s:
        rows = s.scalars(select(Allergy).where(Allergy.resident_id == rid).order_by(Allergy.id))
        assert [(a.substance, a.code_kind, a.code, a.recorded_by_id) for a in rows] == [
            ("Penicillin", "class", "penicillins", home.staff["nina"]),
            ("Strawberries", None, None, home.staff["nina"]),
        ]
        assert list_allergies(s, rid).summary == "Penicillin (rash), Strawberries"


# --- at transcription, at the second check, at every scan ---------------------------------


def test_amoxicillin_for_a_penicillin_allergy_is_refused_unless_acknowledged(home_db):
    home = Home(home_db)
    mary, amoxicillin = home.residents["Mary Jones"], _medicine(home_db, "Amoxicillin")
    with pytest.raises(AllergyStop) as refused, home_db.write() as s:
        add_chart_line(s, home.staff["nina"], mary, _line_form(amoxicillin))
    assert str(refused.value).startswith(MARY_STOP + " Not transcribed: to write it anyway")
    with home_db.read() as s:
        before = s.scalar(text("SELECT count(*) FROM chart_line"))
    why = "Dr Okafor confirmed: rash was not an allergy"
    with home_db.write() as s:
        done = transcribe_line(
            s, home.staff["nina"], mary, _line_form(amoxicillin, allergy_acknowledged=why)
        )
    assert [(w.stop, w.message) for w in done.allergy] == [(True, MARY_STOP)]
    with home_db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM chart_line")) == before + 1
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == str(done.line_id),
                                     AuditEvent.action == "chart.line_added")
        ).one()  # fmt: skip
        assert f'"allergy_acknowledged":"{why}"' in event.detail
        seen = line_allergy_conflicts(s, done.line_id)  # what the checker is shown
    assert [(w.stop, w.message) for w in seen] == [(True, MARY_STOP)]
    refused_check = pytest.raises(AllergyStop, match="Not checked: the checker must confirm")
    with refused_check, home_db.write() as s:
        check_chart_line(s, home.sign("ben"), done.line_id, AT)
    with home_db.write() as s:
        check_chart_line(s, home.sign("ben"), done.line_id, AT, allergy_confirmed=True)
    with home_db.read() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == str(done.line_id),
                                     AuditEvent.action == "chart.line_checked")
        ).one()  # fmt: skip
        assert '"allergy_confirmed":true' in event.detail and MARY_STOP in event.detail


def test_co_codamol_for_a_codeine_allergy_is_the_same(home_db):
    home = Home(home_db)
    winnie, cocodamol = home.residents["Winifred Hall"], _medicine(home_db, "Co-codamol")
    stop = (
        "ALLERGY: Winifred Hall is allergic to Codeine (vomiting): "
        "Co-codamol 30 mg/500 mg tablets contains codeine."
    )
    with pytest.raises(AllergyStop, match="Not transcribed") as refused, home_db.write() as s:
        add_chart_line(s, home.staff["nina"], winnie, _line_form(cocodamol))
    assert str(refused.value).startswith(stop)
    with home_db.write() as s:
        done = transcribe_line(
            s, home.staff["nina"], winnie, _line_form(cocodamol, allergy_acknowledged="GP knows")
        )
    with home_db.read() as s:
        assert [w.message for w in line_allergy_conflicts(s, done.line_id)] == [stop]


def test_a_cephalosporin_for_a_penicillin_allergy_is_a_caution_only(home_db, monkeypatch):
    from emar.services.charts import allergy_checks
    from tests.support.knowledge import REF  # knows cefalexin is a cephalosporin

    monkeypatch.setattr(allergy_checks, "load_knowledge", lambda: REF)
    home = Home(home_db)
    with home_db.write() as s:
        cefalexin = catalogue.add_medicine(
            s, home.staff["nina"],
            catalogue.ProductForm("Cefalexin", "capsules", "oral", "capsule", "500 mg",
                                  ingredients=[("cefalexin", Decimal(500), "mg", None)]),
        )  # fmt: skip
    with home_db.write() as s:
        done = transcribe_line(
            s, home.staff["nina"], home.residents["Mary Jones"], _line_form(cefalexin)
        )
    assert [(w.stop, w.message) for w in done.allergy] == [
        (
            False,
            "Allergy caution: Mary Jones is allergic to Penicillin (rash); cefalexin is a "
            "cephalosporin: cephalosporins may cross-react with penicillins. Check with the "
            "nurse in charge or the pharmacist.",
        )
    ]
    with home_db.write() as s:  # a caution needs no confirmation to check
        check_chart_line(s, home.sign("ben"), done.line_id, AT)


def test_an_allergy_added_later_names_the_line_and_stops_its_next_scan(home_db):
    home = Home(home_db)
    form = admission.AdmissionForm(
        "Rose", "Tyler", date(1941, 3, 3), 1, "G11", no_known_allergies=True
    )
    with home_db.write() as s:
        rose = admission.admit_resident(s, home.staff["nina"], form)
    with home_db.write() as s:
        line = add_chart_line(
            s, home.staff["nina"], rose, _line_form(_medicine(home_db, "Amoxicillin"))
        )
    with home_db.write() as s:
        check_chart_line(s, home.sign("ben"), line, AT - timedelta(hours=2))
    intent = Home(home_db).intent("Rose Tyler", "Amoxicillin", local(DAY, 10, 0))
    with home_db.read() as s:
        before = verify(s, intent, intent.at)
    assert CheckCode.ALLERGY not in {c.code for c in before.checks}
    with home_db.write() as s:
        added = record_allergy(s, home.staff["amy"], rose, AllergyForm("Penicillin", "hives"))
    assert [(c.line_id, c.message) for c in added.lines] == [
        (
            line,
            "Amoxicillin 500 mg capsules on the chart conflicts: ask the GP / pharmacist to "
            "review it. (ALLERGY: Rose Tyler is allergic to Penicillin (hives): amoxicillin is "
            "a penicillin.)",
        )
    ]
    with home_db.read() as s:
        after = verify(s, intent, intent.at)
    assert after.blocked and after.checks[0].code == CheckCode.ALLERGY
    assert after.checks[0].message.startswith(
        "ALLERGY: Rose Tyler is allergic to Penicillin (hives): amoxicillin is a penicillin."
    )
