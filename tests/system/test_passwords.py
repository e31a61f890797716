"""Password rules (NIST SP 800-63B) and argon2id parameters (OWASP), with rehash on sign-in."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from emar.errors import ValidationError
from emar.infra.passwords import HASHER, check_password_rules, common_passwords, verify_secret
from emar.models import Staff
from emar.services.staff.signing import sign_in


@pytest.mark.parametrize(
    "bad", ["password123", "Password123", "QWERTY123", "carehome1", "sunshine1", "trustno1"]
)
def test_common_passwords_are_refused(bad):
    with pytest.raises(ValidationError, match="too common"):
        check_password_rules(bad)


@pytest.mark.parametrize(("bad", "message"), [("short", "at least 8"), ("x" * 129, "at most 128")])
def test_length_limits(bad, message):
    with pytest.raises(ValidationError, match=message):
        check_password_rules(bad)


def test_no_composition_rules():
    check_password_rules("correct horse battery staple")  # long lowercase words are fine
    check_password_rules("x" * 128)
    assert len(common_passwords()) > 30_000  # a real list: zxcvbn's leaked passwords + ours


def test_argon2id_at_owasp_parameters():
    h = HASHER.hash("a long passphrase")
    assert h.startswith("$argon2id$") and "m=19456,t=2,p=1" in h


def test_an_old_weaker_hash_is_upgraded_at_sign_in(demo_db):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("amy-demo-2026")
    with demo_db.write() as s:
        s.execute(select(Staff).where(Staff.username == "amy")).scalar_one().password_hash = weak
    with demo_db.write() as s:
        assert sign_in(s, "amy", "amy-demo-2026") is not None
    with demo_db.read() as s:
        new = s.scalar(select(Staff.password_hash).where(Staff.username == "amy"))
    assert new != weak and "m=19456,t=2,p=1" in new and verify_secret(new, "amy-demo-2026")


@pytest.mark.parametrize(
    "pin", ["0000", "1111", "1234", "4321", "123456", "654321", "8901", "1212", "123123", "1984",
            "2026", "2580", "1004", "250361"],
)  # fmt: skip
def test_pins_a_stranger_would_try_first_are_refused(pin):
    from emar.infra.passwords import check_pin_rules

    with pytest.raises(ValidationError, match="first a stranger would try"):
        check_pin_rules(pin)


@pytest.mark.parametrize("pin", ["4826", "3917", "5273", "6048", "739104", "48261739"])
def test_other_pins_of_four_to_eight_digits_are_fine(pin):
    from emar.infra.passwords import check_pin_rules

    check_pin_rules(pin)
