"""What the case store and the hash library share: engines, sessions, a file lock, chunks."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self, TypeVar

from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from triage_app.domain.errors import CaseLockedError
from triage_app.storage.engine import make_engine

#: Ids per ``IN (...)`` list (well below SQLite's limit on bound parameters).
CHUNK = 500

T = TypeVar("T")


class Database:
    """A writer and a reader engine over one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._writer: Engine = make_engine(url, writer=True)
        self._reader: Engine = make_engine(url, writer=False)

    def close(self) -> None:
        """Release the engines."""
        self._writer.dispose()
        self._reader.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write_session(self) -> Iterator[Session]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read transaction with a consistent snapshot."""
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            yield session

    def read_all(self, query: Select[T]) -> list[T]:
        """Every value a one-column query selects, read in a transaction of its own."""
        with self.read_session() as session:
            return list(session.scalars(query))


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, busy_message: str) -> Iterator[None]:
    """Hold an advisory lock on ``lock_path``; raise CaseLockedError if it is taken."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CaseLockedError(busy_message) from None
        yield
    finally:
        os.close(fd)


def in_chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` in lists of at most ``size``, for queries with an ``IN`` clause."""
    for start in range(0, len(ids), size):
        yield [int(i) for i in ids[start : start + size]]
