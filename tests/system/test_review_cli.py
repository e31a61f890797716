"""`emar review signals` and `emar review list`: readable text, and JSON with --json."""

import json
from datetime import date, timedelta

from emar.models import Administration
from tests.support.homes import Home, local
from tests.system.test_cli import run

AT = "2026-06-10T12:00:00+01:00"


def _refusals(db) -> tuple[int, list[int]]:
    home = Home(db)
    mary, line = home.residents["Mary Jones"], home.line("Mary Jones", "Amlodipine")
    ids = []
    with db.write() as s:
        for d in (1, 2, 3):
            at = local(_day(d), 8)
            row = Administration(
                chart_line_id=line, scheduled_at=at, outcome="not_given", not_given_code="R",
                administered_at=at, recorded_at=at, staff_id=home.staff["amy"],
                note="would not open her mouth" if d == 1 else None,
            )  # fmt: skip
            s.add(row)
            s.flush()
            ids.append(row.id)
    return mary, ids


def _day(days_ago: int) -> date:
    return date(2026, 6, 10) - timedelta(days=days_ago)


def test_review_signals_as_text_and_json(home_db, capsys):
    mary, ids = _refusals(home_db)
    url = home_db.url.render_as_string(hide_password=False)
    code, out, _ = run(
        capsys, "--db", url, "review", "signals", "--resident", str(mary), "--at", AT
    )
    assert code == 0
    assert f"Mary Jones (resident {mary})" in out and "[ATTENTION] Amlodipine" in out
    assert "would not open her mouth" in out and "Source: NICE SC1" in out
    code, out, _ = run(
        capsys, "--db", url, "review", "signals", "--resident", str(mary), "--at", AT, "--json"
    )
    found = json.loads(out)
    (refused,) = [s for s in found if s["kind"] == "refused_often"]
    assert refused["evidence"] == [["administration", i] for i in ids]
    assert {s["resident_id"] for s in found} == {mary}


def test_review_list_as_text_and_json(home_db, capsys):
    mary, _ = _refusals(home_db)
    url = home_db.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "--db", url, "review", "list", "--at", AT)
    assert code == 0 and "never reviewed" in out and "Mary Jones" in out
    assert "no review recorded yet" in out
    assert out.rstrip().endswith(
        "residents due or overdue a review. Recommendations: 0 awaiting the GP, "
        "0 awaiting action, 0 overdue."
    )
    code, out, _ = run(capsys, "--db", url, "review", "list", "--at", AT, "--json")
    rows = json.loads(out)
    assert all(r["status"] == "due" and r["last_reviewed"] is None for r in rows)
    assert rows[0]["urgent"] >= rows[-1]["urgent"]
    assert mary in {r["resident_id"] for r in rows}


def test_a_bad_date_is_one_line_and_exit_1(home_db, capsys):
    url = home_db.url.render_as_string(hide_password=False)
    code, _, err = run(capsys, "--db", url, "review", "list", "--at", "yesterday")
    assert code == 1 and "not an ISO date-time" in err


def _signed_review(db) -> tuple[int, int]:
    from emar.services.review.records import RecommendationForm, ReviewForm, sign_review
    from emar.services.staff.signing import write_signed

    home = Home(db)
    mary = home.residents["Mary Jones"]
    statin = home.line("Mary Jones", "Atorvastatin")
    form = ReviewForm(
        mary, "remote", "Nina Patel (nurse)",
        recommendations=(
            RecommendationForm("gp", "stop", "Stop atorvastatin", statin, date(2026, 6, 20)),
            RecommendationForm("home", "monitor", "Weigh monthly"),
        ),
    )  # fmt: skip
    write_signed(db, lambda s: sign_review(s, home.sign("phil"), form, local(date(2026, 6, 1), 9)))
    return mary, statin


def test_review_recommendations_as_text_and_json(home_db, capsys):
    mary, statin = _signed_review(home_db)
    url = home_db.url.render_as_string(hide_password=False)
    code, out, _ = run(capsys, "--db", url, "review", "recommendations", "--at", AT)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Mary Jones (resident {mary})"
    assert lines[1].startswith("  #1    proposed         to GP   stop: Stop atorvastatin [")
    assert lines[1].endswith("due 20 Jun 2026")  # not overdue on 10 June
    assert "proposed 01 Jun 2026 09:00 by Philippa Grant" in lines[2]
    code, out, _ = run(
        capsys, "--db", url, "review", "recommendations", "--json", "--at", "2026-06-21T09:00Z"
    )
    rows = json.loads(out)
    assert [(r["id"], r["status"], r["overdue"], r["chart_line_id"]) for r in rows] == [
        (1, "proposed", True, statin),
        (2, "proposed", False, None),
    ]
    code, out, _ = run(capsys, "--db", url, "review", "recommendations", "--resident", "999")
    assert code == 0 and out.strip() == "No recommendations."


def test_review_recommendation_moves_it_signed_with_a_password(home_db, capsys, monkeypatch):
    _signed_review(home_db)
    url = home_db.url.render_as_string(hide_password=False)
    move = ("--db", url, "review", "recommendation", "1", "--by", "nina")
    code, out, _ = run(capsys, *move, "--status", "sent", stdin="nina-demo-2026\n",
                       monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0 and out.strip() == "Recommendation 1 (Mary Jones) is now sent."
    code, _, err = run(capsys, *move, "--status", "declined", stdin="nina-demo-2026\n",
                       monkeypatch=monkeypatch)  # fmt: skip
    assert code != 0 and "Say why it was declined" in err
    code, _, err = run(capsys, *move, "--status", "outcome_reviewed", stdin="nina-demo-2026\n",
                       monkeypatch=monkeypatch)  # fmt: skip
    assert code != 0 and "may not write pharmacist reviews" in err  # the spelling understood
    code, _, err = run(capsys, *move, "--status", "accepted", stdin="wrong\n",
                       monkeypatch=monkeypatch)  # fmt: skip
    assert code != 0 and "Wrong username or password" in err
    code, out, _ = run(capsys, *move, "--status", "declined", "--reason", "GP: keep it",
                       stdin="nina-demo-2026\n", monkeypatch=monkeypatch)  # fmt: skip
    assert code == 0 and "is now declined" in out
    code, out, _ = run(capsys, "--db", url, "review", "recommendations", "--open", "--json")
    assert [r["id"] for r in json.loads(out)] == [2]
