"""Password and PIN hashing with argon2id at OWASP's parameters (m=19456 KiB, t=2, p=1)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from emar.errors import ValidationError

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MIN_PASSWORD, MAX_PASSWORD = 8, 128


def check_password_rules(password: str) -> None:
    """NIST SP 800-63B: length limits, no composition rules."""
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise ValidationError(f"Password must be at most {MAX_PASSWORD} characters.")


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
