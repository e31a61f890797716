"""Password and PIN hashing with argon2id at OWASP's parameters (m=19456 KiB, t=2, p=1)."""

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from emar.errors import ValidationError

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD, MAX_PASSWORD = 8, 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of passwords too common to allow (resources/common-passwords.txt)."""
    here = Path(__file__).resolve().parent
    for folder in (here.parent / "resources", here / "_resources"):
        path = folder / "common-passwords.txt"
        if path.exists():
            return frozenset(
                line.strip().lower()
                for line in path.read_text().splitlines()
                if line.strip() and not line.startswith("#")
            )
    raise FileNotFoundError("common-passwords.txt is missing from this installation")


def check_password_rules(password: str) -> None:
    """NIST SP 800-63B: length limits, no composition rules, no well-known passwords."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"Password must be at most {MAX_PASSWORD} characters.")
    if password.lower() in common_passwords():
        raise ValidationError("That password is too common: choose a longer phrase of your own.")


def check_pin_rules(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValidationError("PIN must be 4 to 8 digits.")


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    try:
        return HASHER.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)
