"""Passwords: salted scrypt hashes, checked without leaking."""

from __future__ import annotations

from triage_app.domain.accounts import check_password, hash_password


def test_password_hashes_are_salted_scrypt() -> None:
    one, two = hash_password("correct horse"), hash_password("correct horse")
    assert one != two and one.startswith("scrypt$")
    assert check_password("correct horse", one)
    assert not check_password("correct hors", one)
    assert not check_password("x", "not-a-hash")
