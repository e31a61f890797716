"""Managing residents and charts through the real windows (offscreen, both backends)."""

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from emar.models import PackPrice, Resident
from emar.ui.manage.resident_actions import resident_action
from tests.support.homes import Home, local
from tests.support.round_window import open_window, scan, sign_in

DAY = date(2026, 6, 10)
AT = local(DAY, 8, 30)


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), "#8d6e63").save(out, "PNG")
    return out.getvalue()


def in_front(qtbot, w):
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=10_000)


def manage(qtbot, window, **kwargs):
    from emar.ui.manage.dialogs import ManageQuestions
    from emar.ui.manage.window import ManageWindow
    from emar.ui.scanning.router import OFFICE

    m = ManageWindow(
        window.desk, lambda: window.user.id if window.user else None, ManageQuestions(**kwargs)
    )
    window.router.add(m, OFFICE)  # as the Manage menu does
    qtbot.addWidget(m)
    m.show()
    in_front(qtbot, m)
    qtbot.waitUntil(lambda: m.chart.resident.count() > 0, timeout=10_000)
    return m


def test_admit_add_a_line_see_it_pending_check_it_and_give_it_by_scan(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(
        qtbot,
        window,
        ask_checker=lambda parent: ("ben", "3917"),
        choose_photo=lambda parent: _png(),
    )
    # admit
    m.admission.given.setText("Rose")
    m.admission.family.setText("Tyler")
    m.admission.dob.setDate(QDate(1941, 3, 3))
    m.admission.nhs.setText("943 476 5919")
    m.admission.room.setCurrentText("G11")
    m.admission.allergies.setText("Latex: rash")
    m.admission.pick_photo()
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        m.admission.admit_button.click()
    assert saved.args == ["Admitted Rose Tyler."]
    with home_db.read() as s:
        rose = s.scalars(select(Resident).where(Resident.family_name == "Tyler")).one()
        rose_id = rose.id
        assert rose.photo.startswith(b"\xff\xd8\xff")  # kept as a JPEG drawn afresh
    qtbot.waitUntil(lambda: m.chart.resident.findData(rose_id) >= 0, timeout=10_000)
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(rose_id))
    # transcribe a line
    m.chart.search.setText("amlo")
    qtbot.waitUntil(lambda: m.chart.results.count() == 1, timeout=10_000)
    m.chart.times.setText("09:00")  # the line starts now (08:30): its first dose is at 09:00
    m.chart.prescriber.setText("Dr Okafor")
    m.chart.source.setText("Hospital discharge letter")
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.chart.add_line()
    qtbot.waitUntil(lambda: m.chart.lines.rowCount() == 1, timeout=10_000)
    assert m.chart.lines.row(0).status == "pending"
    # a carer cannot give it yet: pending
    window.lock()
    sign_in(qtbot, window, "amy")
    scan(qtbot, window, f"EMAR-R-{rose_id}", window.resident_loaded)
    blocked = scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    assert blocked.blocked and "pending" in blocked.headline
    # the second person checks it (signs with PIN), then it can be given
    m2 = manage(qtbot, window, ask_checker=lambda parent: ("ben", "3917"))
    m2.chart.resident.setCurrentIndex(m2.chart.resident.findData(rose_id))
    qtbot.waitUntil(lambda: m2.chart.lines.rowCount() == 1, timeout=10_000)
    m2.chart.lines_view.selectRow(0)
    with qtbot.waitSignal(m2.saved, timeout=10_000):
        m2.chart.check_selected()
    qtbot.waitUntil(lambda: m2.chart.lines.row(0).status == "active", timeout=10_000)
    m2.close()
    verdict = scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    assert not verdict.blocked
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        window.verdict.confirm.click()


def test_bad_nhs_number_is_refused_and_nothing_saved(qtbot, home_db, tmp_path):
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(qtbot, window)
    m.admission.given.setText("Rose")
    m.admission.family.setText("Tyler")
    m.admission.nhs.setText("943 476 5918")
    m.admission.room.setCurrentText("G11")
    m.admission.nka.setChecked(True)
    with qtbot.waitSignal(m.failed, timeout=10_000) as failed:
        m.admission.admit_button.click()
    assert "wrong check digit" in failed.args[0]
    assert m.message.text().startswith("NOT SAVED")
    with home_db.read() as s:
        assert s.scalars(select(Resident).where(Resident.family_name == "Tyler")).first() is None


def test_book_in_by_scanning_and_see_the_balance_fall(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "ben")
    m = manage(qtbot, window, ask_quantity=lambda parent, name: Decimal(28))
    mary = home.residents["Mary Jones"]
    m.tabs.setCurrentWidget(m.stock)
    m.stock.resident.setCurrentIndex(m.stock.resident.findData(mary))

    def amlodipine_stock():
        rows = [m.stock.stock.row(i) for i in range(m.stock.stock.rowCount())]
        return next((r.balance for r in rows if r.medicine.startswith("Amlodipine")), None)

    qtbot.waitUntil(lambda: amlodipine_stock() == 56, timeout=10_000)
    gs = "\x1d"
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        window.hub.receive(f"]d201{home.gtins['Amlodipine']}1727033110LOT9{gs}21SN1")
    assert saved.args[0].endswith("84 in stock.")
    qtbot.waitUntil(lambda: amlodipine_stock() == 84, timeout=10_000)
    assert window.verdict.isHidden()  # the scan booked stock in; it did not start a dose
    in_front(qtbot, window)  # back on the round (the stock tab still open behind it):
    scan(qtbot, window, f"EMAR-R-{mary}", window.resident_loaded)
    scan(qtbot, window, home.gtins["Amlodipine"], window.verdict_shown)
    with qtbot.waitSignal(window.recorded, timeout=10_000):
        window.verdict.confirm.click()
    m.tabs.setCurrentWidget(m.stock)
    m.stock.reload()
    qtbot.waitUntil(lambda: amlodipine_stock() == 83, timeout=10_000)


def answers(*values):
    queue = list(values)
    return lambda parent, title, question, choices=None: queue.pop(0)


def test_change_a_dose_and_see_both_lines_in_the_mar_grid(qtbot, home_db, tmp_path):
    from PySide6.QtCore import Qt

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    m = manage(
        qtbot, window, ask=answers("BP still high"), ask_checker=lambda parent: ("ben", "3917")
    )
    mary = home.residents["Mary Jones"]
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(mary))
    qtbot.waitUntil(lambda: m.chart.lines.rowCount() == 3, timeout=10_000)
    m.chart.search.setText("amlo")
    qtbot.waitUntil(lambda: m.chart.results.count() == 1, timeout=10_000)
    m.chart.dose_min.setValue(2)
    m.chart.dose_max.setValue(2)
    m.chart.times.setText("20:00")
    m.chart.prescriber.setText("Dr Okafor")
    m.chart.source.setText("GP phone call")
    row = next(i for i in range(3) if m.chart.lines.row(i).medicine.startswith("Amlodipine"))
    m.chart.lines_view.selectRow(row)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.chart.line_action("change")
    qtbot.waitUntil(
        lambda: any(
            m.chart.lines.row(i).status == "pending" for i in range(m.chart.lines.rowCount())
        ),
        timeout=10_000,
    )
    new = next(
        i for i in range(m.chart.lines.rowCount()) if m.chart.lines.row(i).status == "pending"
    )
    m.chart.lines_view.selectRow(new)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.chart.check_selected()
    scan(qtbot, window, f"EMAR-R-{mary}", window.resident_loaded)
    labels = [
        window.work.page.mar.headerData(r, Qt.Orientation.Vertical)
        for r in range(window.work.page.mar.rowCount())
    ]
    amlodipine = [label for label in labels if label.startswith("Amlodipine")]
    assert len(amlodipine) == 2  # the stopped line keeps its history; the new one is there
    assert any("1 tablet" in a and "08:00" in a for a in amlodipine)
    assert any("2 tablets" in a and "20:00" in a for a in amlodipine)


def test_hospital_from_the_manage_window_shows_no_missed_doses(qtbot, home_db, tmp_path):
    from emar.domain.doses import DoseState

    home = Home(home_db)
    now = [local(DAY, 6, 0)]
    window = open_window(qtbot, home_db, tmp_path, lambda: now[0])
    sign_in(qtbot, window, "nina")
    m = manage(qtbot, window, ask=answers("hospital"))
    mary = home.residents["Mary Jones"]
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(mary))
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        resident_action(m.chart, "away")
    assert "away (hospital)" in saved.args[0]
    now[0] = local(DAY, 21, 0)
    scan(qtbot, window, f"EMAR-R-{mary}", window.resident_loaded)
    since_away = [
        window.work.page.doses.row(i)
        for i in range(window.work.page.doses.rowCount())
        if window.work.page.doses.row(i).scheduled_at >= local(DAY, 6, 0)
    ]
    assert since_away and {d.state for d in since_away} == {DoseState.AWAY}
    assert "AWAY: in hospital" in window.work.page.banner.notes.text()


def test_count_return_and_attach_a_barcode_by_scanning(qtbot, home_db, tmp_path):
    from emar.domain.synthetic_ids import fake_gtin

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")  # a nurse may manage stock and the catalogue
    m = manage(
        qtbot, window, ask=answers("54", "two dropped and destroyed", "wasted", "1", "dropped")
    )
    mary = home.residents["Mary Jones"]
    m.tabs.setCurrentWidget(m.stock)
    m.stock.resident.setCurrentIndex(m.stock.resident.findData(mary))
    qtbot.waitUntil(lambda: m.stock.stock.rowCount() == 3, timeout=10_000)
    row = next(i for i in range(3) if m.stock.stock.row(i).medicine.startswith("Amlodipine"))
    m.stock.stock_view.selectRow(row)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.stock.stock_action("count")
    qtbot.waitUntil(lambda: m.stock.stock.row(row).balance == 54, timeout=10_000)
    m.stock.stock_view.selectRow(row)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.stock.stock_action("out")
    qtbot.waitUntil(lambda: m.stock.stock.row(row).balance == 53, timeout=10_000)
    # catalogue: a new pack barcode attached by scanning
    m.tabs.setCurrentWidget(m.catalogue)
    in_front(qtbot, m)
    m.catalogue.search.setText("amlodipine")
    qtbot.waitUntil(lambda: m.catalogue.results.count() == 1, timeout=10_000)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        window.hub.receive(fake_gtin(777))
    assert saved.args[0].startswith(f"Pack barcode 0{fake_gtin(777)} attached to Amlodipine")
    assert window.verdict.isHidden()
    # its pack price, for the waste report: a slip refused, then recorded
    m.catalogue.price.setText("1.2.0")
    with qtbot.waitSignal(m.failed, timeout=10_000) as refused:
        m.catalogue.record_price()
    assert "not a price" in refused.args[0]
    m.catalogue.price.setText("£1.20")
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        m.catalogue.record_price()
    assert saved.args[0].endswith("a pack of 28 for £1.20.")
    with home_db.read() as s:
        assert s.execute(select(PackPrice.pack_size, PackPrice.price_pence)).one() == (28, 120)


def test_stop_at_a_chosen_time_cycle_start_dose_choice_and_stock_on_the_chart(
    qtbot, home_db, tmp_path
):
    from PySide6.QtCore import QDateTime, QTime

    from emar.models import CareHome, ChartLine, ChartLineEvent

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "mark")  # a manager: charts, stock and settings
    m = manage(qtbot, window, ask=answers("GP stopped it"))
    mary = home.residents["Mary Jones"]
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(mary))
    qtbot.waitUntil(lambda: m.chart.lines.rowCount() == 3, timeout=10_000)
    row = next(i for i in range(3) if m.chart.lines.row(i).medicine.startswith("Atorvastatin"))
    m.chart.lines_view.selectRow(row)
    m.chart.effective.setDateTime(QDateTime(QDate(2026, 6, 10), QTime(12, 0)))  # local, BST
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.chart.line_action("stopped")
    with home_db.read() as s:
        event = s.scalars(select(ChartLineEvent).where(ChartLineEvent.kind == "stopped")).one()
        assert event.effective_at == local(DAY, 12, 0) and event.reason == "GP stopped it"
    m.tabs.setCurrentWidget(m.stock)
    assert m.stock.cycle_start.text() == "not set yet"  # not a made-up date
    with qtbot.waitSignal(m.failed, timeout=10_000) as refused:
        m.stock.save_cycle_start()
    assert "Choose the day" in refused.args[0]
    m.stock.cycle_start.setDate(QDate(2026, 6, 1))
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.stock.save_cycle_start()
    with home_db.read() as s:
        assert s.scalars(select(CareHome)).one().cycle_start_date == date(2026, 6, 1)
    # dose-choice guidance is kept on a new line
    m.tabs.setCurrentWidget(m.chart)
    m.chart.search.setText("paracetamol")
    # the generic first, then the demo's branded product of it
    qtbot.waitUntil(lambda: m.chart.results.count() == 2, timeout=10_000)
    m.chart.results.setCurrentRow(0)
    assert m.chart.results.currentItem().text().startswith("Paracetamol 500 mg tablets")
    assert "Demo Pharma" not in m.chart.results.currentItem().text()
    m.chart.timing.setCurrentText("When required (PRN)")
    m.chart.dose_max.setValue(2)
    m.chart.dose_choice.setText("2 if pain score 6 or more")
    m.chart.prn_for.setText("Pain")
    m.chart.prn_gap.setValue(240)
    m.chart.prn_max.setValue(4)
    m.chart.prescriber.setText("Dr Okafor")
    m.chart.source.setText("GP letter")
    with qtbot.waitSignal(m.saved, timeout=10_000):
        m.chart.add_line()
    with home_db.read() as s:
        choices = s.scalars(
            select(ChartLine.dose_choice).where(ChartLine.resident_id == mary)
        ).all()
        assert "2 if pain score 6 or more" in choices
    # the running balance is on the resident's chart on the round screen
    scan(qtbot, window, f"EMAR-R-{mary}", window.resident_loaded)
    chart = {
        window.work.page.chart.row(i).medicine: window.work.page.chart.row(i)
        for i in range(window.work.page.chart.rowCount())
    }
    assert chart["Amlodipine 5 mg tablets"].in_stock == 56
    column = [
        window.work.page.chart.headerData(c, Qt.Orientation.Horizontal)
        for c in range(window.work.page.chart.columnCount())
    ].index("In stock")
    row = [
        window.work.page.chart.row(i).medicine for i in range(window.work.page.chart.rowCount())
    ].index("Amlodipine 5 mg tablets")
    assert window.work.page.chart.index(row, column).data() == "56"


def test_stock_shows_lines_added_since_the_window_opened_and_book_in_names_them(
    qtbot, home_db, tmp_path
):
    """A line added elsewhere after the window opened: the stock tab shows it when it is
    opened, and booking its pack in asks "how many" naming the medicine."""
    from emar.services.charts.editing import LineForm, add_chart_line, check_chart_line

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "ben")
    asked = []
    m = manage(qtbot, window, ask_quantity=lambda parent, name: asked.append(name) or Decimal(7))
    harold = home.residents["Harold Green"]
    m.tabs.setCurrentWidget(m.stock)
    m.stock.resident.setCurrentIndex(m.stock.resident.findData(harold))
    qtbot.waitUntil(lambda: m.stock.stock.rowCount() == 2, timeout=10_000)
    with home_db.write() as s:  # another PC adds a line meanwhile
        with home_db.read() as r:
            from emar.models import Medicine

            donepezil = r.scalar(select(Medicine.id).where(Medicine.name == "Donepezil"))
        line = add_chart_line(
            s,
            home.staff["nina"],
            harold,
            LineForm(
                donepezil,
                Decimal(1),
                Decimal(1),
                "times_of_day",
                AT,
                "Dr Shah",
                "GP",
                times_of_day="20:00",
            ),
        )
        check_chart_line(s, home.sign("mark"), line, AT)
    m.tabs.setCurrentWidget(m.chart)
    m.tabs.setCurrentWidget(m.stock)  # back on the stock tab: read afresh
    qtbot.waitUntil(lambda: m.stock.stock.rowCount() == 3, timeout=10_000)
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        window.hub.receive(home.gtins["Donepezil"])
    assert asked == ["Donepezil 5 mg tablets"]
    assert saved.args[0] == "Booked in 7 of Donepezil 5 mg tablets: 7 in stock."


def test_an_admission_shows_on_the_round_at_once_without_waiting_for_the_poll(
    qtbot, home_db, tmp_path
):
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    window.refresh.stop()  # no polling: only the change notice can bring the new resident
    m = manage(qtbot, window)
    m.admission.given.setText("Rose")
    m.admission.family.setText("Tyler")
    m.admission.room.setCurrentText("G11")
    m.admission.nka.setChecked(True)
    with qtbot.waitSignal(window.round_loaded, timeout=10_000):
        m.admission.admit_button.click()
    rounds = window.work.round_list.model
    assert "Rose Tyler" in [rounds.row(i).name for i in range(rounds.rowCount())]


def test_admission_offers_the_units_rooms_and_move_room_refuses_a_retired_one(
    qtbot, home_db, tmp_path
):
    from emar.services import rooms

    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    with home_db.write() as s:
        rooms.add_room(s, home.staff["mark"], 2, "Z1")
        rooms.retire_room(s, home.staff["mark"], 2, "Z1")
    m = manage(qtbot, window)
    unit = m.admission.unit
    unit.setCurrentIndex(unit.findData(1))
    offered = [m.admission.room.itemText(i) for i in range(m.admission.room.count())]
    with home_db.read() as s:
        listed = [r.name for r in rooms.list_rooms(s) if r.unit_id == 1]
    assert offered == listed and offered  # the demo residents' rooms, listed at admission
    mary = home.residents["Mary Jones"]
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(mary))
    names = {u.id: u.name for u in m.chart.units}
    m.questions.ask = answers(names[2], "Z1")
    with qtbot.waitSignal(m.failed, timeout=10_000) as failed:
        resident_action(m.chart, "move")
    assert "retired" in failed.args[0]
    m.questions.ask = answers(names[2], "Z2")
    with qtbot.waitSignal(m.failed, timeout=10_000) as failed:
        resident_action(m.chart, "move")
    assert "No room Z2" in failed.args[0]  # a typo never makes a room
    with home_db.write() as s:
        rooms.add_room(s, home.staff["mark"], 2, "Z2")
    m.questions.ask = answers(names[2], "z2")
    with qtbot.waitSignal(m.saved, timeout=10_000) as saved:
        resident_action(m.chart, "move")
    assert saved.args[0].endswith("room Z2.")
    with home_db.read() as s:
        moved = s.get(Resident, mary)
        assert (moved.unit_id, moved.room) == (2, "Z2")


def test_move_room_and_admission_ask_before_sharing_a_room(qtbot, home_db, tmp_path):
    home = Home(home_db)
    window = open_window(qtbot, home_db, tmp_path, lambda: AT)
    sign_in(qtbot, window, "nina")
    mary = home.residents["Mary Jones"]
    with home_db.read() as s:
        other = s.scalars(
            select(Resident).where(Resident.id != mary, Resident.status == "resident")
        ).first()
        unit_id, room, who = other.unit_id, other.room, other.full_name
    asked: list[str] = []

    def say(answer):
        def confirm(parent, title, text):
            asked.append(text)
            return answer

        return confirm

    m = manage(qtbot, window, confirm=say(False))
    m.chart.resident.setCurrentIndex(m.chart.resident.findData(mary))
    names = {u.id: u.name for u in m.chart.units}
    m.questions.ask = answers(names[unit_id], room)
    with qtbot.waitSignal(m.failed, timeout=10_000) as failed:
        resident_action(m.chart, "move")
    assert asked == [f"{room} is {who}'s room: are they sharing it?"]
    assert "say the room is shared" in failed.args[0]
    with home_db.read() as s:
        assert s.get(Resident, mary).room != room  # No: nothing moved
    m.questions.confirm = say(True)
    m.questions.ask = answers(names[unit_id], room)
    with qtbot.waitSignal(m.saved, timeout=10_000):
        resident_action(m.chart, "move")
    with home_db.read() as s:
        assert (s.get(Resident, mary).unit_id, s.get(Resident, mary).room) == (unit_id, room)
    asked.clear()
    m.questions.ask = answers("room", "NOWHERE1")  # Edit details… > room: a listed room only
    with qtbot.waitSignal(m.failed, timeout=10_000) as failed:
        resident_action(m.chart, "edit")
    assert "No room NOWHERE1" in failed.args[0]
    m.questions.confirm = say(False)
    m.admission.given.setText("Rose")
    m.admission.family.setText("Tyler")
    m.admission.dob.setDate(QDate(1941, 3, 3))
    m.admission.unit.setCurrentIndex(m.admission.unit.findData(unit_id))
    m.admission.room.setCurrentText(room)
    m.admission.nka.setChecked(True)
    with qtbot.waitSignal(m.failed, timeout=10_000):
        m.admission.admit_button.click()
    assert len(asked) == 1 and asked[0].startswith(f"{room} is ")
    with home_db.read() as s:
        assert not s.scalars(select(Resident).where(Resident.given_name == "Rose")).first()
