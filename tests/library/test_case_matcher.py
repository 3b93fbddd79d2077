"""Matching a case against the hash library (case_matcher): exact, ignorable and near matches."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_cli

from triage_app.demo import synthetic

MATCH_FIELDS = {"kind", "hash_set", "category", "distance"}


@pytest.fixture(scope="module")
def matched_case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A case whose evidence holds originals, transformed copies and unrelated images."""
    import os

    root = tmp_path_factory.mktemp("matching")
    env = {**os.environ, "TRIAGE_HOME": str(root / "home"), "TRIAGE_USER": "E",
           "TRIAGE_PASSWORD": "test-password"}  # fmt: skip
    rng = np.random.default_rng(42)
    known_dir, evidence = root / "known", root / "evidence"
    known_dir.mkdir()
    evidence.mkdir()
    originals = [synthetic.scene(rng, (480, 360)) for _ in range(6)]
    for i, img in enumerate(originals):
        (known_dir / f"orig{i}.jpg").write_bytes(synthetic.jpeg_bytes(img, 92))
    # evidence: exact copies of 0 and 1, transformed copies of 2..5, unrelated images
    (evidence / "copy0.jpg").write_bytes((known_dir / "orig0.jpg").read_bytes())
    (evidence / "copy1.jpg").write_bytes((known_dir / "orig1.jpg").read_bytes())
    (evidence / "mirror2.jpg").write_bytes(synthetic.jpeg_bytes(synthetic.mirror(originals[2]), 80))
    (evidence / "border3.jpg").write_bytes(synthetic.jpeg_bytes(synthetic.border(originals[3]), 80))
    (evidence / "caption4.jpg").write_bytes(
        synthetic.jpeg_bytes(synthetic.caption(originals[4]), 80)
    )
    (evidence / "small5.jpg").write_bytes(synthetic.jpeg_bytes(synthetic.resize(originals[5]), 70))
    for i in range(8):
        (evidence / f"other{i}.jpg").write_bytes(
            synthetic.jpeg_bytes(synthetic.scene(rng, (480, 360)))
        )
    blank = synthetic.Image.new("RGB", (200, 200), (90, 90, 90))
    (evidence / "blank.png").write_bytes(synthetic.png_bytes(blank))
    (known_dir / "blank.png").write_bytes(synthetic.png_bytes(blank))
    (evidence / "readme.txt").write_text("not an image\n")

    # The known list is made the way a lab makes one: ingest the known images, list them.
    ref_case = root / "refcase"
    run_cli("case", "create", ref_case, "--ref", "REF", "--examiner", "E", env=env)
    run_cli("ingest", ref_case, known_dir, "--exhibit", "K/1", "--no-match", env=env)
    ref_items = json.loads(run_cli("items", ref_case, "--json", env=env).stdout)
    by_name = {i["path"]: i for i in ref_items}
    lines = ["md5,sha1,sha256,phash,dhash,category,name"]
    for i in range(6):
        it = by_name[f"orig{i}.jpg"]
        category = "B" if i == 0 else "A"
        lines.append(
            f"{it['md5']},{it['sha1']},{it['sha256']},{it['phash']},{it['dhash']},{category},orig{i}"
        )
    blank_item = by_name["blank.png"]
    lines.append(f",,,{blank_item['phash']},{blank_item['dhash']},C,blank")
    (root / "known.csv").write_text("\n".join(lines) + "\n")
    # a second list that disagrees on orig0 (most severe wins) and one with a forged SHA-1
    o0, o1 = by_name["orig0.jpg"], by_name["orig1.jpg"]
    (root / "other-list.csv").write_text(f"md5,sha1,category\n{o0['md5']},{o0['sha1']},A\n")
    (root / "forged.csv").write_text(f"md5,sha1,category\n{o1['md5']},{'0' * 40},C\n")
    (root / "ignorable.txt").write_text("# known-good\n" + by_name["blank.png"]["sha1"] + "\n")

    case = root / "case"
    run_cli("case", "create", case, "--ref", "OP-M", "--examiner", "E", env=env)
    run_cli("ingest", case, evidence, "--exhibit", "EV/1", env=env)  # library empty: no match
    before = json.loads(run_cli("items", case, "--json", env=env).stdout)
    run_cli("hashset", "import", root / "known.csv", "--name", "known", env=env)
    run_cli("hashset", "import", root / "other-list.csv", "--name", "other", env=env)
    run_cli("hashset", "import", root / "forged.csv", "--name", "forged", env=env)
    run_cli("hashset", "import", root / "ignorable.txt", "--name", "good", "--role", "ignorable",
            env=env)  # fmt: skip
    match_out = run_cli("match", case, env=env).stdout
    items = {i["path"]: i for i in json.loads(run_cli("items", case, "--json", env=env).stdout)}
    status = json.loads(run_cli("status", case, "--json", env=env).stdout)
    return {"before": before, "items": items, "out": match_out, "status": status}


def test_items_had_no_match_before_the_lists_were_imported(matched_case: dict) -> None:  # type: ignore[type-arg]
    assert all(i["match"] is None for i in matched_case["before"])


def test_exact_match_precategorises_and_grades(matched_case: dict) -> None:  # type: ignore[type-arg]
    item = matched_case["items"]["copy1.jpg"]
    assert item["match"].keys() >= MATCH_FIELDS
    assert item["match"]["kind"] == "exact" and item["match"]["distance"] == 0
    assert item["grade"]["source"] == "hash-list exact"


def test_most_severe_category_wins_and_conflict_is_listed(matched_case: dict) -> None:  # type: ignore[type-arg]
    match = matched_case["items"]["copy0.jpg"]["match"]
    assert match["category"] == "A"
    assert match["details"]["conflicts"]


def test_md5_hit_with_different_sha1_is_flagged(matched_case: dict) -> None:  # type: ignore[type-arg]
    flags = matched_case["items"]["copy1.jpg"]["match"]["flags"]
    assert any("SHA-1" in f for f in flags)


@pytest.mark.parametrize("name", ["mirror2.jpg", "border3.jpg", "caption4.jpg", "small5.jpg"])
def test_transformed_copies_are_near_suggestions(matched_case: dict, name: str) -> None:  # type: ignore[type-arg]
    item = matched_case["items"][name]
    assert item["match"] is not None, name
    assert item["match"]["kind"] == "near"
    assert item["match"]["category"] == "A"
    assert item["grade"] is None, "a suggestion is not a grade"


def test_unrelated_low_information_and_other_files_do_not_near_match(matched_case: dict) -> None:  # type: ignore[type-arg]
    items = matched_case["items"]
    for name, item in items.items():
        if name.startswith("other") or name == "readme.txt":
            assert item["match"] is None, name
    assert items["blank.png"]["low_information"] is True
    assert items["blank.png"]["match"]["kind"] == "ignorable"


def test_status_counts(matched_case: dict) -> None:  # type: ignore[type-arg]
    s = matched_case["status"]
    assert s["exact_graded"] == 2
    assert s["suggestions"] == 4
    assert s["ignorable"] == 1
    # 8 unrelated images + 4 suggestions still need a look; the exact copies and blank are settled
    assert s["review_load"] == 12
