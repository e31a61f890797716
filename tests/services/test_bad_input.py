"""Bad input gets a clear message and changes nothing: strange characters in names and notes,
over-long text, control characters, direction overrides, invisible-only names (both backends;
Hypothesis fuzzes every free-text field of admission and chart editing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from emar.domain.text_rules import HIDDEN, clean_text
from emar.errors import ValidationError
from emar.models import ChartLine, Resident
from emar.services.charts.editing import LineForm, add_chart_line
from emar.services.residents.admission import AdmissionForm, admit_resident, update_resident
from emar.services.residents.reading import list_residents
from emar.services.round.due import due_list
from tests.support.homes import Home, local

DAY = date(2026, 6, 10)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Mary\x00Jones", "hidden or control character"),
        ("Mary\u202eJones", "hidden or control character (U+202E)"),  # right-to-left override
        ("\u200b\u200b", "hidden or control character"),
        ("·", None),  # punctuation alone is visible
        ("\u0301\u0301", "no visible letters"),  # combining marks only
        ("x" * 101, "too long: at most 100"),
        ("Mary\nJones", "hidden or control character (U+000A)"),
    ],
)
def test_names_must_look_like_what_they_are(text, why):
    if why is None:
        assert clean_text(text, "Given name", limit=100) == text
    else:
        with pytest.raises(ValidationError, match=__import__("re").escape(why)):
            clean_text(text, "Given name", limit=100)


def test_a_note_may_have_lines_and_text_is_stored_as_nfc():
    assert clean_text("  line one\nline two ", "Note", lines=True) == "line one\nline two"
    assert clean_text("Zoe\u0301", "Name") == "Zoé"


def test_a_room_with_a_superscript_does_not_break_the_round(home_db):
    home = Home(home_db)
    with home_db.write() as s:
        rid = admit_resident(s, home.staff["nina"], _form(room="Flat 2²"))
    with home_db.read() as s:
        rooms = [r.room for r in list_residents(s, local(DAY, 8, 0))]
        assert "Flat 2²" in rooms
        assert len(due_list(s, local(DAY, 8, 0))) == 23
    assert rid


def _form(**changes) -> AdmissionForm:
    values = dict(
        given_name="Rose",
        family_name="Tyler",
        date_of_birth=date(1941, 3, 3),
        unit_id=1,
        room="G11",
        no_known_allergies=True,
    )
    values.update(changes)
    return AdmissionForm(**values)


TEXT = st.text(max_size=140)


@FUZZ
@given(
    given_name=TEXT,
    family_name=TEXT,
    preferred=st.none() | TEXT,
    room=TEXT,
    gp=st.none() | TEXT,
    allergy=TEXT,
    likes=st.none() | TEXT,
)
def test_admission_fuzz_saves_clean_text_or_says_why_and_saves_nothing(
    home_db, given_name, family_name, preferred, room, gp, allergy, likes
):
    home = Home(home_db)
    form = _form(
        given_name=given_name,
        family_name=family_name,
        preferred_name=preferred,
        room=room,
        gp_name=gp,
        allergies=[(allergy, None)],
        no_known_allergies=False,
        medicine_preferences=likes,
    )
    with home_db.read() as s:
        before = s.scalar(select(func.count(Resident.id)))
    try:
        with home_db.write() as s:
            rid = admit_resident(s, home.staff["nina"], form)
    except ValidationError as refused:
        assert str(refused)  # a message, and nothing saved
        with home_db.read() as s:
            assert s.scalar(select(func.count(Resident.id))) == before
        return
    with home_db.read() as s:
        r = s.get(Resident, rid)
        stored = [r.given_name, r.family_name, r.preferred_name or "", r.room, r.gp_name or ""]
        assert not any(ch in HIDDEN or (ord(ch) < 32) for text in stored for ch in text)
        assert len(r.given_name) <= 100 and r.given_name == r.given_name.strip()
        assert list_residents(s, local(DAY, 8, 0))  # the round still loads
        due_list(s, local(DAY, 8, 0))


@FUZZ
@given(prescriber=TEXT, source=TEXT, directions=st.none() | TEXT, indication=TEXT, choice=TEXT)
def test_chart_line_fuzz_saves_clean_text_or_says_why(
    home_db, prescriber, source, directions, indication, choice
):
    home = Home(home_db)
    form = LineForm(
        8,  # paracetamol
        Decimal(1),
        Decimal(2),
        "prn",
        local(DAY, 8, 0),
        prescriber,
        source,
        directions=directions,
        prn_indication=indication,
        dose_choice=choice,
        prn_min_interval_minutes=240,
        prn_max_doses_24h=4,
    )
    with home_db.read() as s:
        before = s.scalar(select(func.count(ChartLine.id)))
    try:
        with home_db.write() as s:
            line_id = add_chart_line(s, home.staff["nina"], home.residents["Mary Jones"], form)
    except ValidationError as refused:
        assert str(refused)
        with home_db.read() as s:
            assert s.scalar(select(func.count(ChartLine.id))) == before
        return
    with home_db.read() as s:
        line = s.get(ChartLine, line_id)
        for text in (line.prescriber, line.source, line.directions or "", line.prn_indication):
            assert not any(ch in HIDDEN or ch == "\x00" for ch in text or "")


def test_an_edit_is_held_to_the_same_rules(home_db):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    with pytest.raises(ValidationError, match="Room holds a hidden"), home_db.write() as s:
        update_resident(s, home.staff["nina"], mary, {"room": "G0\u202e1"})
    with pytest.raises(ValidationError, match="Room is needed"), home_db.write() as s:
        update_resident(s, home.staff["nina"], mary, {"room": "   "})
    with home_db.read() as s:
        assert s.get(Resident, mary).room == "G01"


def test_a_hidden_character_cannot_make_a_second_paracetamol(home_db):
    """An ingredient named "paracetamol" with a zero-width space would count apart from the
    real one, beating the PRN ceiling and the allergy match. Refused."""
    from emar.services.charts.catalogue import ProductForm, add_medicine

    home = Home(home_db)
    form = ProductForm(
        "Paracetamol 500 mg caplets", "tablet", "oral", "tablet",
        ingredients=[("paracetamol\u200b", Decimal(500), "mg", None)],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Ingredient holds a hidden"), home_db.write() as s:
        add_medicine(s, home.staff["nina"], form)


@pytest.mark.parametrize(
    ("username", "full_name", "why"),
    [
        ("аmy", "Amy Look-alike", "plain letters"),  # a Cyrillic "а"
        ("zoe", "Zoe\u202eDay", "Full name holds a hidden"),
        ("zoe", "   ", "Full name is needed"),
    ],
)
def test_staff_names_are_held_to_the_rules_too(home_db, username, full_name, why):
    from emar.services.staff.accounts import add_staff

    home = Home(home_db)
    with pytest.raises(ValidationError, match=why), home_db.write() as s:
        add_staff(
            s, username=username, full_name=full_name, role="carer",
            password="a-long-passphrase", added_by_id=home.staff["mark"],
        )  # fmt: skip


def test_an_edit_to_an_unknown_unit_or_covert_without_details_is_refused(home_db):
    home = Home(home_db)
    mary = home.residents["Mary Jones"]
    with pytest.raises(ValidationError, match="Unknown unit"), home_db.write() as s:
        update_resident(s, home.staff["nina"], mary, {"unit_id": 999})
    with pytest.raises(ValidationError, match="capacity assessment"), home_db.write() as s:
        update_resident(
            s, home.staff["nina"], mary,
            {"covert_authorised": True, "covert_review_date": date(2026, 12, 1)},
        )  # fmt: skip
