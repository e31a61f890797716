"""`emar catalogue import-dmd`: progress on stderr, a summary, and one-line errors that write
nothing (the sample release: tests/data/dmd/1)."""

import shutil
from pathlib import Path

from sqlalchemy import func, select

from emar.models import AuditEvent, Medicine
from tests.system.test_cli import run

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "dmd" / "1"
PASSWORD = "nina-demo-2026\n"  # the demo nurse's


def _dmd_products(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).where(Medicine.dmd_kind.is_not(None))) or 0


def test_import_dmd_shows_progress_and_a_summary(demo_db, capsys, monkeypatch):
    url = demo_db.url.render_as_string(hide_password=False)
    args = ("--db", url, "catalogue", "import-dmd", str(SAMPLE), "--by", "nina")
    code, out, err = run(capsys, *args, stdin=PASSWORD, monkeypatch=monkeypatch)
    assert code == 0, err
    assert "f_vmp2_3010419.xml: 36 rows read" in err  # 7 VMP, 8 VPI, 7 DFORM, DROUTE, CONTROL
    assert "f_gtin2_0010419.xml: 11 rows read" in err  # 11 AMPPs (16 GTINs)
    assert "dm+d release 3010419 imported" in out
    assert "Products: 22 added, 0 updated, 0 unchanged" in out
    assert "GTINs: 15 added, 0 updated." in out
    assert "dm+d lists no ingredients: 3" in out
    assert _dmd_products(demo_db) == 22
    with demo_db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue.dmd_imported"))
        assert event.one().entity_id == "3010419"


def test_a_bad_folder_or_damaged_file_is_one_line_and_writes_nothing(
    demo_db, capsys, monkeypatch, tmp_path
):
    url = demo_db.url.render_as_string(hide_password=False)
    code, _, err = run(capsys, "--db", url, "catalogue", "import-dmd", str(tmp_path / "none"),
                       "--by", "nina")  # fmt: skip
    assert code == 1 and "no such folder" in err and err.count("\n") == 1
    folder = tmp_path / "release"
    shutil.copytree(SAMPLE, folder)
    vmp = folder / "f_vmp2_3010419.xml"
    vmp.write_bytes(vmp.read_bytes()[:-200])
    code, _, err = run(capsys, "--db", url, "catalogue", "import-dmd", str(folder), "--by", "nina",
                       stdin=PASSWORD, monkeypatch=monkeypatch)  # fmt: skip
    message = err.strip().splitlines()[-1]
    assert code == 1 and message.startswith("emar: f_vmp2_3010419.xml, line ")
    assert "damaged or incomplete XML" in message
    assert _dmd_products(demo_db) == 0
