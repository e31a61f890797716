"""Password and PIN hashing with argon2id at OWASP's parameters (m=19456 KiB, t=2, p=1)."""

from functools import lru_cache
from itertools import pairwise

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from emar.errors import ValidationError
from emar.infra.resources import resource

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD, MAX_PASSWORD = 8, 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Passwords too common to allow: the 30,000 most common of real leaked passwords (as
    shipped with zxcvbn, MIT licence) and our own care-home list
    (resources/common-passwords.txt: the home's and the product's words)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    path = resource("common-passwords.txt")
    ours = {
        line.strip().lower()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    return frozenset(ours | {p.lower() for p in FREQUENCY_LISTS["passwords"]})


# PINs people choose most (DataGenetics' study of 3.4 million 4-digit PINs: the top of its
# list, beyond the repeats, runs and years refused by rule below)
COMMON_PINS = frozenset(
    {"1212", "1004", "2580", "6969", "1122", "1313", "4321", "2001", "1010", "2222", "5555",
     "7777", "1066", "1379", "0007", "2468", "1357", "9999", "0852", "5683", "0911",
     "6666", "1221", "2112", "1001", "0101", "0420", "8008", "1230"}
)  # fmt: skip


def check_password_rules(password: str) -> None:
    """NIST SP 800-63B: length limits, no composition rules, no well-known passwords."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"Password must be at most {MAX_PASSWORD} characters.")
    if password.lower() in common_passwords():
        raise ValidationError("That password is too common: choose a longer phrase of your own.")


def check_pin_rules(pin: str) -> None:
    """A PIN signs for controlled drugs and overrides: 4 to 8 digits (6 are better), and none
    a stranger would try first."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("PIN must be 4 to 8 digits.")
    if weak_pin(pin):
        raise ValidationError(
            "That PIN is one of the first a stranger would try (a repeat, a run like 1234, a "
            "year, or a common choice): choose another."
        )


def weak_pin(pin: str) -> bool:
    digits = [int(d) for d in pin]
    steps = {(b - a) % 10 for a, b in pairwise(digits)}
    if len(set(digits)) == 1 or steps in ({1}, {9}):  # 0000, 1234, 6543, 8901
        return True
    half = len(pin) // 2
    if len(pin) % 2 == 0 and pin[:half] == pin[half:]:  # 1212, 123123
        return True
    if len(pin) == 4 and 1900 <= int(pin) <= 2039:  # a year: a birthday, this year
        return True
    if len(pin) == 6 and _is_date(pin):
        return True  # ddmmyy: a birthday
    return pin in COMMON_PINS


def _is_date(pin: str) -> bool:
    day, month = int(pin[:2]), int(pin[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    try:
        return HASHER.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)
