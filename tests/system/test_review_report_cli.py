"""`emar report medication-review` and `emar report optimisation` write their PDFs; a resident
with no signed review, or no --resident, is a one-line refusal and exit 1."""

from emar.cli import main
from tests.reports.test_review_reports import reviewed  # noqa: F401 (the fixture)
from tests.support.pdf_checks import pdf_text


def test_the_cli_writes_both_reports(home_db, reviewed, tmp_path, capsys):  # noqa: F811
    url = ["--db", home_db.url.render_as_string(hide_password=False)]
    mary = reviewed.residents["Mary Jones"]
    letter = tmp_path / "letter.pdf"
    args = ["report", "medication-review", "--resident", str(mary), "--out", str(letter)]
    assert main([*args, *url]) == 0
    assert capsys.readouterr().out.startswith("Medication review letter: ")
    assert "Stop amlodipine" in pdf_text(letter)
    optimisation = tmp_path / "optimisation.pdf"
    args = ["report", "optimisation", "--from", "2026-06-02", "--to", "2026-06-14"]
    assert main([*args, "--out", str(optimisation), *url]) == 0
    assert capsys.readouterr().out.startswith("Medicines optimisation: ")
    assert "75.0% (3 accepted, 1 declined)" in " ".join(pdf_text(optimisation).split())


def test_the_cli_refuses_a_letter_without_a_review(home_db, reviewed, tmp_path, capsys):  # noqa: F811
    url = ["--db", home_db.url.render_as_string(hide_password=False)]
    edith = reviewed.residents["Edith Baker"]
    out = tmp_path / "none.pdf"
    args = ["report", "medication-review", "--resident", str(edith), "--out", str(out)]
    assert main([*args, *url]) == 1
    assert "No signed review for Edith Baker" in capsys.readouterr().err
    assert main(["report", "medication-review", "--out", str(out), *url]) == 1
    assert "give --resident ID" in capsys.readouterr().err
    args = ["report", "optimisation", "--review", "1", "--out", str(out)]
    assert main([*args, *url]) == 1
    assert "--review is for the medication-review letter" in capsys.readouterr().err
    assert not out.exists()
