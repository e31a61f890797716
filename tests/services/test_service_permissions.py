"""Every service that changes something, called as every role: it succeeds exactly where
docs/roles.md says the role may, and otherwise refuses (NotPermitted) having changed nothing.
The matrix says who may; this test proves each service asks (both backends)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emar.domain.gtin import make_gtin13
from emar.maintenance.export import export_to_file
from emar.models import AuditEvent, Role
from emar.reports.data import Scope
from emar.reports.run import ReportKind, ReportRequest, make_report
from emar.services import home, not_given_codes, rooms
from emar.services.charts import catalogue, stock
from emar.services.charts import editing as chart_editing
from emar.services.permissions import Action, NotPermitted
from emar.services.residents import admission, health
from emar.services.residents import allergies as allergy_records
from emar.services.round import recording
from emar.services.round.verification import Intent
from emar.services.staff import accounts as staff
from emar.services.staff import management
from emar.services.staff.signing import PinRefused, Signature, unlock
from tests.domain.test_permissions import EXPECTED, ROLES
from tests.support.homes import PINS, Home, local

DAY = date(2026, 6, 10)
AT = local(DAY, 9, 0)
USERS = {
    Role.CARER: "amy",
    Role.SENIOR_CARER: "ben",
    Role.NURSE: "nina",
    Role.MANAGER: "mark",
    Role.PHARMACIST: "phil",
    Role.ADMINISTRATOR: "sam",
}


@dataclass
class Ctx:
    db: object
    home: Home
    tmp: object
    n: int = 0
    transcriber: str = "nina"  # and the manager checks; a nurse under test checks herself

    def tag(self) -> str:
        self.n += 1
        return f"{self.n}"

    def username(self, staff_id: int) -> str:
        return next(name for name, id_ in self.home.staff.items() if id_ == staff_id)

    def home_staff_id(self, username: str) -> int:
        with self.db.read() as s:
            found = staff.staff_id_by_username(s, username)
        assert found is not None
        return found

    def as_manager(self, work: Callable) -> object:
        with self.db.write() as s:
            return work(s, self.home.staff["mark"])

    def resident(self) -> int:
        form = admission.AdmissionForm(
            "Test", f"Resident {self.tag()}", date(1940, 1, 1), 1, f"T{self.n}",
            no_known_allergies=True,
        )  # fmt: skip
        return self.as_manager(lambda s, m: admission.admit_resident(s, m, form))

    def line(self, resident: int, *, prn: bool = False, checked: bool = True) -> int:
        form = chart_editing.LineForm(
            8, Decimal(1), Decimal(2) if prn else Decimal(1), "prn" if prn else "times_of_day",
            AT - timedelta(days=1), "Dr A", "GP letter", times_of_day=None if prn else "09:00",
            prn_indication="pain" if prn else None, prn_min_interval_minutes=240 if prn else None,
            prn_max_doses_24h=4 if prn else None,
        )  # fmt: skip
        writer = self.home.staff[self.transcriber]
        checker = "ben" if self.transcriber == "mark" else "mark"
        with self.db.write() as s:
            line = chart_editing.add_chart_line(s, writer, resident, form)
        if checked:
            with self.db.write() as s:
                chart_editing.check_chart_line(s, self.home.sign(checker), line, AT)
        return line

    def given_prn(self) -> int:
        resident = self.resident()
        line = self.line(resident, prn=True)
        intent = Intent(
            resident, self.home.staff["mark"], AT, chart_line_id=line, dose=Decimal(1), route="oral"
        )
        done = self.as_manager(
            lambda s, m: recording.record_given(
                s, intent, AT, prn_reason="pain", no_scan_reason="test"
            )
        )
        return done.administration_id


def _services(c: Ctx) -> dict[str, tuple[Action, Callable]]:
    """name -> (the action it needs, a call as `staff` made with fresh prerequisites)."""

    def admit(s, staff, _):
        form = admission.AdmissionForm(
            "Rose", f"Tyler {c.tag()}", date(1941, 3, 3), 1, "G99", no_known_allergies=True
        )
        admission.admit_resident(s, staff, form)

    calls: dict[str, tuple[Action, Callable]] = {
        "admit_resident": (Action.EDIT_CHARTS, admit),
        "update_resident": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: admission.update_resident(s, staff, p["resident"], {"room": "Z"}),
        ),
        "record_allergy": (
            Action.RECORD_ALLERGIES,
            lambda s, staff, p: allergy_records.record_allergy(
                s, staff, p["resident"], allergy_records.AllergyForm("Latex", "rash")
            ),
        ),
        "change_allergy": (
            Action.REVIEW_ALLERGIES,
            lambda s, staff, p: allergy_records.change_allergy(
                s, staff, p["allergy"], allergy_records.AllergyForm("Latex", "hives"), "test"
            ),
        ),
        "resolve_allergy": (
            Action.REVIEW_ALLERGIES,
            lambda s, staff, p: allergy_records.resolve_allergy(s, staff, p["allergy"], "test"),
        ),
        "withdraw_allergy": (
            Action.REVIEW_ALLERGIES,
            lambda s, staff, p: allergy_records.withdraw_allergy(s, staff, p["allergy"], "test"),
        ),
        "record_no_known_allergies": (
            Action.REVIEW_ALLERGIES,
            lambda s, staff, p: allergy_records.record_no_known_allergies(s, staff, p["resident"]),
        ),
        "start_absence": (
            Action.ADMINISTER,
            lambda s, staff, p: admission.start_absence(s, staff, p["resident"], "leave", AT),
        ),
        "end_absence": (
            Action.ADMINISTER,
            lambda s, staff, p: admission.end_absence(s, staff, p["away"], AT + timedelta(hours=1)),
        ),
        "leave_home": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: admission.leave_home(s, staff, p["resident"], "discharged"),
        ),
        "add_medicine": (
            Action.EDIT_CHARTS,
            lambda s, staff, _: catalogue.add_medicine(
                s,
                staff,
                catalogue.ProductForm(
                    f"Testamol {c.tag()}",
                    "tablet",
                    "oral",
                    "tablet",
                    ingredients=[("testamol", Decimal(500), "mg", None)],
                ),
            ),
        ),
        "attach_gtin": (
            Action.EDIT_CHARTS,
            lambda s, staff, _: catalogue.attach_gtin(
                s, staff, 1, make_gtin13(f"50123456{c.tag():0>4}")
            ),
        ),
        "add_chart_line": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: chart_editing.add_chart_line(
                s,
                staff,
                p["resident"],
                chart_editing.LineForm(
                    8,
                    Decimal(1),
                    Decimal(1),
                    "times_of_day",
                    AT,
                    "Dr A",
                    "GP",
                    times_of_day="10:00",
                ),
            ),
        ),
        "check_chart_line": (
            Action.CHECK_CHARTS,
            lambda s, staff, p: chart_editing.check_chart_line(  # a signature, not the caller
                s, c.home.sign(c.username(staff)), p["pending"], AT
            ),
        ),
        "stop_line": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: chart_editing.stop_line(s, staff, p["line"], "test", AT),
        ),
        "suspend_line": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: chart_editing.suspend_line(s, staff, p["line"], "test", AT),
        ),
        "resume_line": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: chart_editing.resume_line(
                s, staff, p["suspended"], "test", AT + timedelta(hours=1)
            ),
        ),
        "change_line": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: chart_editing.change_line(
                s,
                staff,
                p["line"],
                chart_editing.LineForm(
                    8,
                    Decimal(2),
                    Decimal(2),
                    "times_of_day",
                    AT,
                    "Dr A",
                    "GP",
                    times_of_day="09:00",
                ),
                "dose raised",
                AT,
            ),
        ),
        "record_given": (
            Action.ADMINISTER,
            lambda s, staff, p: recording.record_given(
                s,
                Intent(
                    p["resident"], staff, AT, chart_line_id=p["prn"], dose=Decimal(1), route="oral"
                ),
                AT,
                prn_reason="pain",
                no_scan_reason="test",
            ),
        ),
        "record_not_given": (
            Action.ADMINISTER,
            lambda s, staff, p: recording.record_not_given(
                s,
                resident_id=p["resident"],
                chart_line_id=p["prn"],
                staff_id=staff,
                code="R",
                now=AT,
            ),
        ),
        "record_prn_outcome": (
            Action.ADMINISTER,
            lambda s, staff, p: recording.record_prn_outcome(
                s,
                administration_id=p["entry"],
                staff_id=staff,
                effect="effective",
                note=None,
                now=AT,
            ),
        ),
        "correct_entry": (
            Action.CORRECT,
            lambda s, staff, p: recording.correct_entry(
                s,
                administration_id=p["entry"],
                staff_id=staff,
                reason="test",
                now=AT,
                outcome="not_given",
                code="R",
            ),
        ),
        "book_in": (
            Action.MANAGE_STOCK,
            lambda s, staff, p: stock.book_in(
                s, staff, p["line"], c.home.gtins["Paracetamol"], Decimal(28), AT
            ),
        ),
        "count_stock": (
            Action.MANAGE_STOCK,
            lambda s, staff, p: stock.count_stock(s, staff, p["line"], Decimal(0), AT),
        ),
        "carry_forward": (
            Action.MANAGE_STOCK,
            lambda s, staff, p: stock.carry_forward(s, staff, p["line"], Decimal(0), AT),
        ),
        "remove_stock": (
            Action.MANAGE_STOCK,
            lambda s, staff, p: stock.remove_stock(
                s, staff, p["stocked"], Decimal(1), AT, kind="returned", reason="expired"
            ),
        ),
        "set_cycle_start": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_cycle_start(s, staff, DAY),
        ),
        "set_backup_retention": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_backup_retention(s, staff, 40),
        ),
        "set_cd_witness": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_cd_witness(s, staff, 5, True),
        ),
        "rename_home": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.rename_home(s, staff, "X"),
        ),
        "set_time_zone": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_time_zone(s, staff, "Europe/Dublin"),
        ),
        "set_dose_window": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_dose_window(s, staff, 90),
        ),
        "set_time_critical_window": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_time_critical_window(s, staff, 20),
        ),
        "set_idle_lock": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.set_idle_lock(s, staff, 5),
        ),
        "add_code": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: not_given_codes.add_code(s, staff, "Z", "Zzz", "other"),
        ),
        "retire_code": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: not_given_codes.retire_code(s, staff, "N"),
        ),
        "rename_unit": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.rename_unit(s, staff, 1, f"Renamed {c.tag()}"),
        ),
        "retire_room": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, p: rooms.retire_room(s, staff, 1, p["room"]),
        ),
        "move_resident": (
            Action.EDIT_CHARTS,
            lambda s, staff, p: admission.move_resident(s, staff, p["resident"], 1, p["room"]),
        ),
        "add_unit": (
            Action.MANAGE_SETTINGS,
            lambda s, staff, _: home.add_unit(s, staff, 1, f"Test unit {c.tag()}"),
        ),
        "add_staff": (
            Action.MANAGE_USERS,
            lambda s, staff, _: staff_add(s, staff, c.tag()),
        ),
        "unlock": (Action.MANAGE_USERS, lambda s, staff, _: unlock(s, staff, "amy")),
        "change_role": (
            Action.MANAGE_USERS,
            lambda s, staff, p: management.change_role(s, staff, p["person"], "senior_carer"),
        ),
        "disable_staff": (
            Action.MANAGE_USERS,
            lambda s, staff, p: management.set_active(s, staff, p["person"], False),
        ),
        "reset_password": (
            Action.MANAGE_USERS,
            lambda s, staff, p: management.reset_password(s, staff, p["person"], "temp-phrase-9"),
        ),
        "set_pin": (
            Action.MANAGE_USERS,
            lambda s, staff, p: management.set_pin(s, staff, p["person"], "739104"),
        ),
        "set_badge": (
            Action.MANAGE_USERS,
            lambda s, staff, p: management.set_badge(s, staff, p["person"], f"T{c.tag()}"),
        ),
        "record_observation": (
            Action.RECORD_HEALTH,
            lambda s, staff, p: health.record_observation(
                s, staff, p["resident"], "fall", None, AT, now=AT
            ),
        ),
        "correct_observation": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.correct_observation(
                s, staff, p["observation"], "51", AT, "misread", now=AT
            ),
        ),
        "withdraw_observation": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.withdraw_observation(s, staff, p["observation"], "test"),
        ),
        "record_condition": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.record_condition(s, staff, p["resident"], "dementia"),
        ),
        "correct_condition": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.correct_condition(
                s, staff, p["condition"], "test", note="moderate"
            ),
        ),
        "resolve_condition": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.resolve_condition(s, staff, p["condition"], "test"),
        ),
        "withdraw_condition": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.withdraw_condition(s, staff, p["condition"], "test"),
        ),
        "add_monitoring_plan": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.add_monitoring_plan(s, staff, p["resident"], "inr"),
        ),
        "end_monitoring_plan": (
            Action.MANAGE_HEALTH,
            lambda s, staff, p: health.end_monitoring_plan(s, staff, p["plan"], "test"),
        ),
        "set_signal_threshold": (
            Action.SET_THRESHOLDS,
            lambda s, staff, _: health.set_signal_threshold(s, staff, "refused.in_7_days", 4),
        ),
        "export_to_file": (
            Action.VERIFY_AUDIT,
            lambda s, staff, _: export_to_file(s, staff, c.tmp / f"export-{c.tag()}.json"),
        ),
    }
    return calls


def staff_add(s, by, tag):
    staff.add_staff(
        s, username=f"new{tag}", full_name="New Person", role="carer",
        password="a-long-passphrase", added_by_id=by,
    )  # fmt: skip


NEEDS = {
    "retire_room": ("room",),
    "move_resident": ("resident", "room"),
    "record_allergy": ("resident",),
    "change_allergy": ("allergy",),
    "resolve_allergy": ("allergy",),
    "withdraw_allergy": ("allergy",),
    "record_no_known_allergies": ("resident",),
    "update_resident": ("resident",),
    "start_absence": ("resident",),
    "leave_home": ("resident",),
    "add_chart_line": ("resident",),
    "check_chart_line": ("pending",),
    "stop_line": ("line",),
    "suspend_line": ("line",),
    "record_given": ("prn",),
    "record_not_given": ("prn",),
    "record_prn_outcome": ("entry",),
    "correct_entry": ("entry",),
    "book_in": ("line",),
    "end_absence": ("away",),
    "resume_line": ("suspended",),
    "change_line": ("line",),
    "remove_stock": ("stocked",),
    "count_stock": ("line",),
    "carry_forward": ("line",),
    "record_observation": ("resident",),
    "correct_observation": ("observation",),
    "withdraw_observation": ("observation",),
    "record_condition": ("resident",),
    "correct_condition": ("condition",),
    "resolve_condition": ("condition",),
    "withdraw_condition": ("condition",),
    "add_monitoring_plan": ("resident",),
    "end_monitoring_plan": ("plan",),
    "change_role": ("person",),
    "disable_staff": ("person",),
    "reset_password": ("person",),
    "set_pin": ("person",),
    "set_badge": ("person",),
}


class Prerequisites(dict):
    """What a call needs, made (as the manager) only when the call asks for it."""

    def __init__(self, c: Ctx) -> None:
        super().__init__()
        self.c = c

    def __missing__(self, key: str) -> int:
        c = self.c
        if key == "resident":
            value = c.resident()
        elif key == "person":
            tag = c.tag()
            c.as_manager(lambda s, m: staff_add(s, m, tag))
            value = c.home_staff_id(f"new{tag}")
        elif key == "allergy":
            rid = self["resident"]
            value = c.as_manager(
                lambda s, m: (
                    allergy_records.record_allergy(
                        s, m, rid, allergy_records.AllergyForm("Latex")
                    ).allergy_id
                )
            )
        elif key in ("observation", "condition", "plan"):
            rid = self["resident"]
            make = {
                "observation": lambda s, m: health.record_observation(
                    s, m, rid, "weight", "50", AT, now=AT
                ),
                "condition": lambda s, m: health.record_condition(s, m, rid, "falls"),
                "plan": lambda s, m: health.add_monitoring_plan(s, m, rid, "lithium"),
            }[key]
            value = c.as_manager(make)
        elif key == "room":
            value = c.as_manager(lambda s, m: rooms.add_room(s, m, 1, f"E{c.tag()}").name)
        elif key == "entry":
            value = c.given_prn()
        elif key == "away":
            value = self["resident"]
            c.as_manager(lambda s, m: admission.start_absence(s, m, value, "hospital", AT))
        elif key == "suspended":
            value = self["line"]
            c.as_manager(lambda s, m: chart_editing.suspend_line(s, m, value, "test", AT))
        elif key == "stocked":
            value = self["line"]
            gtin = c.home.gtins["Paracetamol"]
            c.as_manager(lambda s, m: stock.book_in(s, m, value, gtin, Decimal(28), AT))
        else:
            value = c.line(self["resident"], prn=key == "prn", checked=key != "pending")
        self[key] = value
        return value


def _changes(db) -> int:
    """Every change a service makes is audited: the audit trail's length is the tell."""
    with db.read() as s:
        return int(s.scalar(select(func.count(AuditEvent.id))) or 0)


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_every_service_that_changes_something_asks_who_is_calling(home_db, tmp_path, role):
    c = Ctx(home_db, Home(home_db), tmp_path, transcriber="mark" if role == Role.NURSE else "nina")
    staff_id = c.home.staff[USERS[role]]
    outcomes = {}
    for name, (action, call) in _services(c).items():
        prereq = Prerequisites(c)
        for key in NEEDS.get(name, ()):  # made first, as the manager, in their own transactions
            prereq[key]
        before = _changes(home_db)
        try:
            with home_db.write() as s:
                call(s, staff_id, prereq)
            outcomes[name] = True
        except (NotPermitted, PinRefused):  # a signer's role is refused as a signature is
            outcomes[name] = False
            assert _changes(home_db) == before, f"{name} refused but changed something"
        expected = EXPECTED[action][ROLES.index(role)]  # the matrix as docs/roles.md states it
        assert outcomes[name] is expected, f"{role.value} calling {name}: {outcomes[name]}"
    assert any(outcomes.values()) or role == Role.PHARMACIST


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_reports_need_a_role_that_prints_them(home_db, tmp_path, role):
    home_ = Home(home_db)
    request = ReportRequest(ReportKind.HANDOVER, Scope(local(DAY, 8), local(DAY, 20)))
    try:
        make_report(
            home_db, request, tmp_path / "r.pdf", now=AT, staff_id=home_.staff[USERS[role]],
            printed_by="",
        )  # fmt: skip
        made = True
    except NotPermitted:
        made = False
    assert made is EXPECTED[Action.RUN_REPORTS][ROLES.index(role)]
    assert (tmp_path / "r.pdf").exists() is made


def test_signatures_are_checked_against_the_signer_not_the_caller(home_db):
    """A carer may witness; a pharmacist may not even when a nurse records."""
    from emar.services.staff.signing import PinRefused

    home_ = Home(home_db)
    refused = pytest.raises(PinRefused, match="not someone who may witness")
    with refused, home_db.write() as s:
        recording.record_given(
            s,
            home_.intent("Arthur Price", "Oxycodone", local(DAY, 8, 0), by="nina",
                         dose=Decimal(5)),
            local(DAY, 8, 0),
            prn_reason="pain",
            witness=Signature("phil", PINS["phil"]),
        )  # fmt: skip
