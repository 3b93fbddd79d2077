"""Shared steps of the lab-mode tests: evidence, a case with examiners, its grades."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import TEST_PASSWORD, run_cli

from triage_app.demo import synthetic

SUPERVISOR = "Sup"
EXAMINERS = ("Ex1", "Ex2", "Ex3")


def write_images(folder: Path, count: int, seed: int = 3) -> None:
    """``count`` small distinct synthetic JPEGs in ``folder``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        data = synthetic.jpeg_bytes(synthetic.scene(rng, (96, 72)))
        (folder / f"img{i:03d}.jpg").write_bytes(data)


def as_user(name: str) -> dict[str, str]:
    """The environment of a command run by account ``name`` (every account shares the password)."""
    return {**os.environ, "TRIAGE_USER": name, "TRIAGE_PASSWORD": TEST_PASSWORD}


def make_case(
    case: Path, database_url: str | None, source: Path, examiners: tuple[str, ...] = ()
) -> list[int]:
    """A case (lab if ``database_url``) with a supervisor and ``examiners``, ``source``
    ingested; the ids of its items."""
    url = ["--database-url", database_url] if database_url else []
    run_cli("case", "create", case, "--ref", "LAB-1", "--examiner", SUPERVISOR,
            "--role", "supervisor", *url, env=as_user(SUPERVISOR))  # fmt: skip
    for name in examiners:
        env = {**as_user(SUPERVISOR), "TRIAGE_NEW_PASSWORD": TEST_PASSWORD}
        run_cli("user", "add", case, "--name", name, "--role", "examiner", env=env)
    run_cli("ingest", case, source, "--exhibit", "EX/1", "--workers", "1", env=as_user(SUPERVISOR))
    items = json.loads(run_cli("items", case, "--json", env=as_user(SUPERVISOR)).stdout)
    return sorted(int(item["id"]) for item in items)
