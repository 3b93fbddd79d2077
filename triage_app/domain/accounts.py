"""Case accounts: roles and password hashing (scrypt, a memory-hard KDF)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

EXAMINER = "examiner"
SUPERVISOR = "supervisor"
ROLES = (EXAMINER, SUPERVISOR)

USER_ENV = "TRIAGE_USER"
PASSWORD_ENV = "TRIAGE_PASSWORD"

# scrypt cost: 2**15 x 8 x 1 needs 32 MiB and takes tens of milliseconds.
_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD_LENGTH = 4
#: Failed sign-ins allowed in a row before each further attempt must wait.
THROTTLE_AFTER = 3
#: The longest wait imposed between attempts (seconds).
MAX_SIGN_IN_DELAY = 900.0
#: Refusals that count towards the delay (a refusal for waiting does not).
COUNTED_REFUSALS = ("wrong password", "account disabled")


def account_label(name: str, badge: str | None) -> str:
    """How an account appears in the audit log and on grades: 'Name (badge)'."""
    return f"{name} ({badge})" if badge else name


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """Return a self-describing scrypt hash: ``scrypt$n$r$p$salt$key`` (base64)."""
    salt = os.urandom(16)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32
    )
    enc = base64.b64encode
    return f"scrypt${n}${r}${p}${enc(salt).decode()}${enc(key).decode()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a hash made by :func:`hash_password`."""
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, key = base64.b64decode(salt_b64), base64.b64decode(key_b64)
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p),
            maxmem=_MAXMEM, dklen=len(key),
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, key)


@dataclass(frozen=True, slots=True)
class Account:
    """A case account (without its password hash)."""

    id: int
    name: str
    badge: str | None
    role: str
    active: bool

    @property
    def label(self) -> str:
        """How the account appears in the audit log: 'Name (badge)'."""
        return account_label(self.name, self.badge)


def sign_in_delay(history: list[tuple[bool, str | None, float]], now: float) -> float:
    """Seconds an account must still wait before its next sign-in attempt.

    ``history`` holds its latest attempts, newest first, as ``(succeeded,
    refusal reason, unix time)``. After :data:`THROTTLE_AFTER` failed attempts
    in a row, each further one waits twice as long as the last: 1 s, 2 s, 4 s,
    ... up to :data:`MAX_SIGN_IN_DELAY`.
    """
    failures: list[float] = []
    for succeeded, reason, when in history:
        if succeeded:
            break
        if reason in COUNTED_REFUSALS:
            failures.append(when)
    if len(failures) < THROTTLE_AFTER:
        return 0.0
    wait = min(2.0 ** (len(failures) - THROTTLE_AFTER), MAX_SIGN_IN_DELAY)
    return max(0.0, failures[0] + wait - now)
