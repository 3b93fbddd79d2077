"""Entries and reports: a list with no valid entry is refused; fast entries are ordinary ones."""

from __future__ import annotations

import json
import pickle
import random
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

from hashsets.helpers import EMPTY_MD5, EMPTY_SHA1, csv_text, hexstr, load, vics_document, write
from triage_app.hashsets import HashEntry, HashListError, check_usable
from triage_app.hashsets.model import new_entry


def _all_bad_plain(rnd: random.Random) -> tuple[str, str]:
    lines = [hexstr(rnd, 31) for _ in range(8)] + ["not-a-hash", hexstr(rnd, 32) + "q"]
    return "bad.txt", "# cut-short export\n" + "\n".join(lines) + "\n"


def _all_bad_csv(rnd: random.Random) -> tuple[str, str]:
    rows = [[hexstr(rnd, 40), "A"] for _ in range(10)]  # SHA-1 values in the md5 column
    return "bad.csv", csv_text([["md5", "category"], *rows])


def _all_bad_vics(rnd: random.Random) -> tuple[str, str]:
    media = [{"MD5": hexstr(rnd, 30), "Category": 1} for _ in range(10)]
    return "bad.json", json.dumps(vics_document(media))


@pytest.mark.parametrize("maker", [_all_bad_plain, _all_bad_csv, _all_bad_vics])
def test_zero_valid_entries_parse_completes_but_is_refused(
    tmp_path: Path, maker: Callable[[random.Random], tuple[str, str]]
) -> None:
    name, text = maker(random.Random(35))
    entries, report = load(write(tmp_path / name, text))
    assert entries == []
    assert report.loaded == 0
    assert report.rejected_count == 10
    with pytest.raises(HashListError) as caught:
        check_usable(report)
    message = str(caught.value)
    first = report.rejected[0]
    assert message.startswith(
        f"no valid entries in {name}; first problems: line {first.line}: {first.reason}; "
    )
    assert f"line {report.rejected[1].line}:" in message
    assert message.endswith("; and 5 more")


def test_check_usable_accepts_a_list_with_entries_and_refuses_empty_ones(tmp_path: Path) -> None:
    rnd = random.Random(30)
    _, good = load(write(tmp_path / "good.txt", f"bad\n{hexstr(rnd, 32)}\n"))
    check_usable(good)
    _, comments = load(write(tmp_path / "comments.txt", "# nothing here\n"))
    with pytest.raises(
        HashListError, match=r"no valid entries in comments\.txt; .*holds no hashes"
    ):
        check_usable(comments)
    _, only_empty = load(write(tmp_path / "empty.txt", f"{EMPTY_MD5}\n{EMPTY_SHA1}\n"))
    with pytest.raises(HashListError, match="only excluded hashes"):
        check_usable(only_empty)


def test_fast_entries_are_ordinary_frozen_hash_entries() -> None:
    args: tuple[Any, ...] = (
        "a" * 32,
        None,
        None,
        "1" * 16,
        None,
        "A",
        "n",
        None,
        None,
        {"pdq": "00"},
        7,
    )
    fast = new_entry(*args)
    slow = HashEntry(*args)
    assert type(fast) is HashEntry
    assert fast == slow
    assert repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    with pytest.raises(FrozenInstanceError):
        fast.md5 = "b"  # type: ignore[misc]
