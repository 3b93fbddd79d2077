"""Notes and tags on a lab (PostgreSQL) case: written, verified, never deleted, tamper named."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli

from lab.conftest import Cluster
from lab.helpers import EXAMINERS, SUPERVISOR, as_user, make_case, write_images


def test_notes_and_tags_in_a_lab_case(pg: Cluster, tmp_path: Path) -> None:
    db = pg.lab_database()
    case = tmp_path / "case"
    evidence = tmp_path / "evidence"
    write_images(evidence, 2)
    items = make_case(case, pg.url(db), evidence, EXAMINERS[:2])
    one, two = (as_user(name) for name in EXAMINERS[:2])
    run_cli("note", case, str(items[0]), "seen first by Ex1", env=one)
    run_cli("tag", case, str(items[0]), "Chat", env=one)
    again = run_cli("tag", case, str(items[0]), "chat", "desk", env=two)
    assert "already tagged: chat" in again.stdout and "tagged: desk" in again.stdout
    refused = run_cli("remove-note", case, "1", "--reason", "not mine", env=two, check=False)
    assert refused.returncode == 5 and "only they or a supervisor" in refused.stderr
    run_cli("remove-note", case, "1", "--reason", "duplicate", env=as_user(SUPERVISOR))
    shown = json.loads(run_cli("notes", case, str(items[0]), "--json", env=one).stdout)
    assert shown["tags"] == ["Chat", "desk"] and shown["examiner_notes"] == []
    verify = run_cli("audit", "verify", case, env=as_user(SUPERVISOR), check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The application role cannot delete a note (the trigger), nor go behind the trail.
    deleted = pg.psql("DELETE FROM item_notes WHERE id = 2", db, "triage_app", check=False)
    assert deleted.returncode != 0 and "never deleted" in deleted.stderr
    pg.psql("UPDATE item_notes SET text = 'planted' WHERE id = 3", db, "triage_app")
    verify = run_cli("audit", "verify", case, env=as_user(SUPERVISOR), check=False)
    assert verify.returncode == 1
    assert "item_notes: tag 3 of item" in verify.stdout and "'planted'" in verify.stdout
