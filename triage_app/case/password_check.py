"""Checking a password while the program is still loading.

scrypt takes about a tenth of a second and releases the interpreter lock, and
so does nothing else for that long. :class:`PendingSignIn` reads the stored
hash without the ORM (:mod:`triage_app.storage.peek`) and runs the check on a
thread; :meth:`CaseSession.sign_in` then takes the answer, provided the hash
it reads through the ORM is the one that was checked. The check itself and
its strength are unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from triage_app.domain.accounts import check_password
from triage_app.storage.peek import stored_password_hash


class PendingSignIn:
    """A password check started early; its answer counts only for the same stored hash."""

    def __init__(
        self,
        case_dir: Path,
        login: str,
        password: str,
        on_verified: Callable[[], object] | None = None,
    ) -> None:
        """``on_verified`` runs on the checking thread once the password is known good."""
        self.case_dir = Path(case_dir)
        self.login = login
        self.password = password
        self._on_verified = on_verified
        self._hash = stored_password_hash(self.case_dir, login)
        self._ok = False
        self._thread: threading.Thread | None = None
        if self._hash is not None:
            self._thread = threading.Thread(target=self._check, name="password-check", daemon=True)
            self._thread.start()

    def _check(self) -> None:
        assert self._hash is not None
        self._ok = check_password(self.password, self._hash)
        if self._ok and self._on_verified is not None:
            self._on_verified()

    def verdict(self, stored: str) -> bool:
        """Whether the password matches ``stored`` (the early answer if it was for it).

        Waits for the checking thread, and so for ``on_verified``, to finish.
        """
        if self._thread is not None:
            self._thread.join()
            if stored == self._hash:
                return self._ok
        return check_password(self.password, stored)
