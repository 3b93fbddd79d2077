"""A lab hash library in PostgreSQL: shared by examiners, matching as the per-user one."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import run_cli

from lab.conftest import Cluster
from lab.helpers import write_images

MATCH_FIELDS = ("match_kind", "match_set", "category", "grade_source", "status")


def _case(root: Path, name: str, evidence: Path, env: dict[str, str]) -> Path:
    case = root / name
    run_cli("case", "create", case, "--ref", "OP-LIB", "--examiner", "E", env=env)
    run_cli("ingest", case, evidence, "--exhibit", "EV/1", "--no-match", env=env)
    return case


def _outcome(case: Path, env: dict[str, str]) -> tuple[dict[str, object], list[tuple[object, ...]]]:
    items = json.loads(run_cli("items", case, "--json", env=env).stdout)
    status = json.loads(run_cli("status", case, "--json", env=env).stdout)
    rows = sorted(tuple(str(i.get(k)) for k in ("path", *MATCH_FIELDS)) for i in items)
    return status, rows


def test_a_lab_library_is_shared_and_matches_as_the_per_user_one(
    pg: Cluster, tmp_path: Path
) -> None:
    evidence = tmp_path / "evidence"
    write_images(evidence, 6)
    home = {name: tmp_path / f"home-{name}" for name in ("solo", "ann", "bob")}
    env = {name: {**os.environ, "TRIAGE_HOME": str(path)} for name, path in home.items()}
    probe = _case(tmp_path, "probe", evidence, env["solo"])
    items = {i["path"]: i for i in json.loads(run_cli("items", probe, "--json").stdout)}
    known = tmp_path / "known.csv"
    a, b, c = items["img000.jpg"], items["img001.jpg"], items["img002.jpg"]
    known.write_text(
        "md5,sha1,phash,dhash,category\n"
        f"{a['md5']},{a['sha1']},,,A\n{b['md5']},,,,B\n,,{c['phash']},{c['dhash']},C\n"
    )

    # Per user: the examiner's own SQLite library.
    run_cli("hashset", "import", known, "--name", "known", env=env["solo"])
    solo = _case(tmp_path, "solo", evidence, env["solo"])
    run_cli("match", solo, env=env["solo"])

    # The lab: Ann imports into the shared library, Bob (another home, no copy of the
    # indexes) finds the set and matches with it.
    library = pg.url(pg.lab_database(library=True))
    run_cli("hashset", "import", known, "--name", "known", "--library-url", library,
            env=env["ann"])  # fmt: skip
    bob_env = {**env["bob"], "TRIAGE_LIBRARY_URL": library}
    listed = json.loads(run_cli("hashset", "list", "--json", env=bob_env).stdout)
    assert [s["name"] for s in listed] == ["known"] and listed[0]["loaded"] == 3
    lab = _case(tmp_path, "lab", evidence, bob_env)
    run_cli("match", lab, env=bob_env)

    solo_status, solo_rows = _outcome(solo, env["solo"])
    lab_status, lab_rows = _outcome(lab, bob_env)
    assert solo_status == lab_status and solo_rows == lab_rows
    assert solo_status["exact_matches"] >= 2, solo_status
    assert not (home["bob"] / "hashsets.db").exists()
    print(f"\nsame matches on both libraries: {json.dumps(solo_status)}")
    dup = run_cli("hashset", "import", known, "--name", "known", "--library-url", library,
                  env=env["bob"], check=False)  # fmt: skip
    assert dup.returncode == 2 and "already in the library" in dup.stderr


def test_one_import_at_a_time_across_workstations(pg: Cluster, tmp_path: Path) -> None:
    from triage_app.storage.library_store import LibraryStore

    library = pg.url(pg.lab_database(library=True))
    listed = tmp_path / "list.txt"
    listed.write_text("d41d8cd98f00b204e9800998ecf8427f\n" + "0" * 31 + "1\n")
    with LibraryStore.open(library) as store, store.import_lock():
        busy = run_cli("hashset", "import", listed, "--name", "x", "--library-url", library,
                       check=False)  # fmt: skip
    assert busy.returncode == 3 and "another import" in busy.stderr, busy.stderr
    run_cli("hashset", "import", listed, "--name", "x", "--library-url", library)
