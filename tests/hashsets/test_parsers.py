"""parse() and fingerprint(): encodings, the report, closing the file, bounded memory and speed."""

from __future__ import annotations

import ast
import collections
import gc
import hashlib
import json
import random
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from hashsets.helpers import (
    hexstr,
    load,
    product_csv,
    v20_context,
    vics_document,
    vics_media,
    write,
    write_json,
)
from triage_app.hashsets import ParseReport, fingerprint, parse

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "triage_app" / "hashsets"


def _four_encodings(tmp_path: Path, rows: list[tuple[str, str | None]]) -> list[Path]:
    def line(value: str, category: str | None, style: str) -> str:
        if style == "quoted":
            return f'  "{value}" , "{category}"  ' if category else f'  "{value}"  '
        if style == "upper":
            return f"{value.upper()},{category}" if category else value.upper()
        return f"{value},{category}" if category else value

    plain = "".join(line(v, c, "plain") + "\n" for v, c in rows)
    upper = "# upper-case, CRLF, BOM\n" + "".join(line(v, c, "upper") + "\n" for v, c in rows)
    quoted = "".join(line(v, c, "quoted") + "\n" for v, c in rows)
    return [
        write(tmp_path / "a.txt", plain),
        write(tmp_path / "b.txt", upper, bom=True, newline="\r\n"),
        write(tmp_path / "c.txt", quoted, newline="\r"),
        write(tmp_path / "d.txt", "\n" + plain, encoding="utf-16-le", bom=True, newline="\r\n"),
        write(tmp_path / "e.txt", plain, encoding="utf-16-be", bom=True),
        write(tmp_path / "f.txt", plain, encoding="utf-16-le"),  # no BOM
    ]


def test_same_list_in_four_encodings_has_the_same_fingerprint(tmp_path: Path) -> None:
    rnd = random.Random(25)
    rows = [
        (hexstr(rnd, rnd.choice((32, 40, 64))), rnd.choice(["1", "2", "Cat A", None]))
        for _ in range(200)
    ]
    paths = _four_encodings(tmp_path, rows)
    assert len({p.read_bytes() for p in paths}) == len(paths)
    prints = {fingerprint(p) for p in paths}
    assert len(prints) == 1
    expected = hashlib.sha256()
    for value, category in rows:
        slots = {32: 0, 40: 1, 64: 2}
        fields = ["", "", "", "", "", category or ""]
        fields[slots[len(value)]] = value
        expected.update(("|".join(fields) + "\n").encode())
    assert prints == {expected.hexdigest()}
    encodings = [load(p)[1].encoding for p in paths]
    assert encodings == [
        "utf-8",
        "utf-8 (BOM)",
        "utf-8",
        "utf-16-le (BOM)",
        "utf-16-be (BOM)",
        "utf-16-le",
    ]


def test_fingerprint_changes_with_content_order_and_category(tmp_path: Path) -> None:
    rnd = random.Random(26)
    values = [hexstr(rnd, 32) for _ in range(5)]
    base = fingerprint(write(tmp_path / "a.txt", "".join(f"{v},1\n" for v in values)))
    reordered = fingerprint(write(tmp_path / "b.txt", "".join(f"{v},1\n" for v in values[::-1])))
    recategorised = values[:4]
    changed = "".join(f"{v},1\n" for v in recategorised) + f"{values[4]},2\n"
    assert len({base, reordered, fingerprint(write(tmp_path / "c.txt", changed))}) == 3
    # ...but not with comments, blank lines or rejected lines
    noisy = "# x\n\nnot a hash\n" + "".join(f"{v} , 1\n" for v in values)
    assert fingerprint(write(tmp_path / "d.txt", noisy)) == base


def test_same_content_in_another_format_has_the_same_fingerprint(tmp_path: Path) -> None:
    rnd = random.Random(27)
    rows = [(hexstr(rnd, 32), rnd.choice(["1", "2", None])) for _ in range(50)]
    plain = write(tmp_path / "a.txt", "".join(f"{v},{c or ''}\n" for v, c in rows))
    product = write(
        tmp_path / "b.csv",
        product_csv(
            ({"md5": v, "category": c, "name": "n"} for v, c in rows), ["name", "md5", "category"]
        ),
    )
    media = [{"MD5": v.upper(), "Category": int(c) if c else None} for v, c in rows]
    vics = write_json(tmp_path / "c.json", vics_document(media))
    assert fingerprint(plain) == fingerprint(product) == fingerprint(vics)


def test_report_is_filled_while_iterating_and_reset_on_reuse(tmp_path: Path) -> None:
    rnd = random.Random(33)
    path = write(tmp_path / "l.txt", "".join(f"{hexstr(rnd, 32)}\n" for _ in range(10)) + "bad\n")
    report = ParseReport()
    iterator = parse(path, report=report)
    next(iterator)
    next(iterator)
    assert report.loaded == 2
    assert not report.complete
    assert report.fingerprint is None
    collections.deque(iterator, maxlen=0)
    assert (report.loaded, report.rejected_count, report.complete) == (10, 1, True)
    collections.deque(parse(path, report=report), maxlen=0)
    assert (report.loaded, report.rejected_count) == (10, 1)


def test_abandoned_iteration_closes_the_file(tmp_path: Path) -> None:
    rnd = random.Random(34)
    path = write(tmp_path / "l.txt", "".join(f"{hexstr(rnd, 32)}\n" for _ in range(10)))
    iterator = parse(path)
    next(iterator)
    del iterator
    gc.collect()  # an unclosed file would raise ResourceWarning -> error under filterwarnings
    never_started = parse(path)
    del never_started
    gc.collect()


def test_package_imports_no_gui_database_or_storage() -> None:
    banned = ("PySide6", "sqlalchemy", "alembic", "triage_app.storage", "triage_app.gui")
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not [n for n in names if n.startswith(banned)], (path.name, names)
    code = (
        "import sys, triage_app.hashsets\n"
        f"bad = [m for m in sys.modules if m.startswith({banned!r})]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "[]"


def write_plain_rows(path: Path, rows: int, seed: int = 0) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        for start in range(0, rows, 50_000):
            count = min(50_000, rows - start)
            blob = f"{rnd.getrandbits(128 * count):0{32 * count}x}"
            handle.write("".join(f"{blob[i * 32 : i * 32 + 32]},{i % 6}\n" for i in range(count)))
    return path


def write_product_rows(path: Path, rows: int, seed: int = 0) -> Path:
    rnd = random.Random(seed)
    with open(path, "w", encoding="ascii", newline="\n") as handle:
        handle.write("md5,sha1,sha256,phash,dhash,category,name\n")
        for start in range(0, rows, 20_000):
            count = min(20_000, rows - start)
            blob = f"{rnd.getrandbits(672 * count):0{168 * count}x}"
            handle.write(
                "".join(
                    f"{blob[o : o + 32]},{blob[o + 32 : o + 72]},{blob[o + 72 : o + 136]},"
                    f"{blob[o + 136 : o + 152]},{blob[o + 152 : o + 168]},"
                    f"{i % 6},f{start + i}.jpg\n"
                    for i, o in ((i, i * 168) for i in range(count))
                )
            )
    return path


def write_vics_rows(path: Path, rows: int, root: str, seed: int = 0) -> Path:
    """A VICS export written record by record (the test never holds it whole)."""
    rnd = random.Random(seed)
    context = v20_context("UK", root)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f'{{"@odata.context": "{context}", "value": [')
        if root == "Cases":
            handle.write('{"CaseID": "1", "CaseNumber": "ABC/1", "Media": [')
        for number in range(rows):
            record, _, _ = vics_media(rnd, number)
            handle.write(("," if number else "") + json.dumps(record))
        handle.write("]}]}" if root == "Cases" else "]}")
    return path


_CHILD = textwrap.dedent(
    """
    import collections, itertools, json, sys, time
    from pathlib import Path
    from triage_app.hashsets import ParseReport, parse

    path = Path(sys.argv[1])
    control_rows = int(sys.argv[2])

    def peak_kib():
        # VmHWM: peak RSS of this program. (ru_maxrss would also count the parent's
        # pages before exec: Linux carries the peak across fork and exec.)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    warm = parse(path)
    collections.deque(itertools.islice(warm, 20000), maxlen=0)
    warm.close()
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset the peak to the current RSS
    except OSError:
        pass
    base = peak_kib()
    report = ParseReport()
    started, cpu = time.perf_counter(), time.process_time()
    collections.deque(parse(path, report=report), maxlen=0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    grown = peak_kib() - base
    kept = list(itertools.islice(parse(path), control_rows))
    control = peak_kib() - base
    print(json.dumps({
        "loaded": report.loaded, "rejected": report.rejected_count, "seconds": seconds,
        "cpu": cpu, "base_kib": base, "grown_kib": grown, "control_kib": control,
        "kept": len(kept),
    }))
    """
)


def measure_in_child(path: Path, control_rows: int) -> dict[str, float]:
    """Parse ``path`` in a fresh process; report time and peak-RSS growth.

    As a control, the child then keeps ``control_rows`` entries in a list, which
    must show up as growth: this proves the measurement can see a parser that
    holds its entries.
    """
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(control_rows)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr
    measured: dict[str, float] = json.loads(result.stdout)
    rate = measured["loaded"] / measured["seconds"]
    sys.stderr.write(
        f"\n{path.name}: {measured['loaded']:,.0f} entries in {measured['seconds']:.1f} s "
        f"({rate:,.0f}/s wall, {measured['loaded'] / measured['cpu']:,.0f}/s cpu), "
        f"peak RSS {measured['base_kib'] / 1024:.1f} MiB + {measured['grown_kib'] / 1024:.1f} MiB "
        f"(control: +{measured['control_kib'] / 1024:.1f} MiB)\n"
    )
    return measured


GROWTH_LIMIT_KIB = 24 * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("writer", "rows"),
    [(write_plain_rows, 1_000_000), (write_product_rows, 600_000)],
    ids=["plain", "product-csv"],
)
def test_memory_does_not_grow_with_the_file(
    tmp_path: Path, writer: Callable[[Path, int], Path], rows: int
) -> None:
    path = writer(tmp_path / "big.txt", rows)
    measured = measure_in_child(path, control_rows=300_000)
    assert measured["loaded"] == rows
    assert measured["grown_kib"] < GROWTH_LIMIT_KIB
    assert measured["control_kib"] > 2 * GROWTH_LIMIT_KIB


@pytest.mark.parametrize("root", ["Cases", "Media"])
def test_vics_is_streamed_not_loaded(tmp_path: Path, root: str) -> None:
    rows = 20_000
    path = write_vics_rows(tmp_path / "v.json", rows, root)
    assert path.stat().st_size > 20 * 1024 * 1024
    tracemalloc.start()
    try:
        report = ParseReport()
        collections.deque(parse(path, report=report), maxlen=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.loaded == rows
    assert report.profile == "UK"
    assert peak < 12 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_traced_memory_does_not_scale_with_rows(tmp_path: Path) -> None:
    peaks = []
    for rows in (10_000, 100_000):
        path = write_product_rows(tmp_path / f"{rows}.csv", rows, seed=rows)
        tracemalloc.start()
        try:
            collections.deque(parse(path), maxlen=0)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5 + 512 * 1024, peaks


@pytest.mark.stress
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("writer", "rows", "budget_seconds"),
    [
        (write_plain_rows, 10_000_000, 60),
        (write_product_rows, 10_000_000, 60),
        (lambda p, n: write_vics_rows(p, n, "Cases"), 2_000_000, 60),
    ],
    ids=["plain-10M", "product-csv-10M", "vics-2M"],
)
def test_stress_ten_million_rows(
    tmp_path: Path, writer: Callable[[Path, int], Path], rows: int, budget_seconds: float
) -> None:
    # The import budget is 10M rows in 2 minutes including the database: the parser
    # must take well under half of it.
    started = time.perf_counter()
    path = writer(tmp_path / "big", rows)
    size = path.stat().st_size / 2**20
    sys.stderr.write(f"\nwrote {size:,.0f} MiB in {time.perf_counter() - started:.0f} s")
    measured = measure_in_child(path, control_rows=300_000)
    assert measured["loaded"] == rows
    assert measured["rejected"] == 0
    assert measured["grown_kib"] < GROWTH_LIMIT_KIB
    # CPU time, not wall time: the machine may be shared with other jobs
    assert measured["cpu"] < budget_seconds
