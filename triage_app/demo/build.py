"""``triage demo``: a synthetic seized folder and a case built from it."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from triage_app.case.session import CaseSession
from triage_app.demo import synthetic
from triage_app.domain.accounts import EXAMINER, SUPERVISOR, hash_password
from triage_app.domain.errors import CaseError
from triage_app.ingest.pipeline import IngestOptions, IngestResult, ingest
from triage_app.ingest.progress import Progress
from triage_app.library.importer import import_hash_list
from triage_app.matching import near_rule
from triage_app.review.refresh import refresh
from triage_app.storage.case_store import CaseStore
from triage_app.storage.library_store import LibraryStore
from triage_app.storage.review_store import ReviewStore

DEMO_REF = "DEMO-2026-001"
DEMO_EXHIBIT = "DEMO/1"
DEMO_EXAMINER = "Demo Examiner"
DEMO_SUPERVISOR = "Demo Supervisor"
DEMO_SECOND_EXAMINER = "Demo Examiner 2"
#: The demo's accounts share this password; it is printed by ``triage demo``.
DEMO_PASSWORD = "demo"

_VARIANTS: list[tuple[str, Callable[[Image.Image], Image.Image]]] = [
    ("resized", lambda im: synthetic.resize(im, 0.5)),
    ("recompressed", lambda im: synthetic.recompress(im, 55)),
    ("grey", synthetic.greyscale),
    ("brighter", lambda im: synthetic.brightness(im, 1.25)),
    ("cropped", lambda im: synthetic.crop(im, 0.03)),
    ("bordered", lambda im: synthetic.border(im, 0.05)),
    ("captioned", synthetic.caption),
    ("mirrored", synthetic.mirror),
]


def write_demo_source(
    folder: Path, images: int = 300, seed: int = 2026, *, videos: bool = True
) -> int:
    """Fill ``folder`` with synthetic media and some awkward files; return the file count.

    With ``videos``: two short films (one a scaled re-encode of the other, so they form a
    near-duplicate group) and an animated GIF, all made on the spot (PyAV, Pillow).
    """
    rng = np.random.default_rng(seed)
    folders = ["DCIM/100DEMO", "Pictures/Saved", "Downloads", "Chat/Media/Sent", "Backup/old"]
    for sub in folders:
        (folder / sub).mkdir(parents=True, exist_ok=True)
    count = 0
    variants_every = 4
    for i in range(images):
        sub = folders[i % 3]
        size = (640, 480) if i % 5 else (480, 640)
        img = synthetic.scene(rng, size)
        name = folder / sub / f"IMG_{1000 + i:04d}.jpg"
        if i % 10 == 0:
            name.write_bytes(
                synthetic.exif_jpeg(img, taken=f"2024:0{1 + i % 9}:1{i % 10} 12:00:00")
            )
        else:
            name.write_bytes(synthetic.jpeg_bytes(img, 88))
        count += 1
        if i % variants_every == 0:
            label, fn = _VARIANTS[(i // variants_every) % len(_VARIANTS)]
            variant = fn(img).convert("RGB")
            (folder / "Chat/Media/Sent" / f"shared_{i:04d}_{label}.jpg").write_bytes(
                synthetic.jpeg_bytes(variant, 75)
            )
            count += 1
        if i % 25 == 0:
            (folder / "Backup/old" / f"copy_of_IMG_{1000 + i:04d}.jpg").write_bytes(
                name.read_bytes()
            )
            count += 1
    blank = Image.new("RGB", (320, 240), (128, 128, 128))
    (folder / "Downloads" / "blank.png").write_bytes(synthetic.png_bytes(blank))
    (folder / "Downloads" / "notes.txt").write_text("shopping list\n", encoding="utf-8")
    (folder / "Downloads" / "empty.dat").write_bytes(b"")
    whole = synthetic.jpeg_bytes(synthetic.scene(rng))
    (folder / "Downloads" / "damaged.jpg").write_bytes(whole[: len(whole) // 2])
    (folder / "Downloads" / "really_a_png.jpg").write_bytes(
        synthetic.png_bytes(synthetic.scene(rng, (300, 200)))
    )
    count += 5
    if videos:
        count += _write_demo_videos(folder, seed)
    link = folder / "Downloads" / "shortcut.jpg"
    if not link.exists():
        link.symlink_to("../DCIM/100DEMO/IMG_1000.jpg")
        count += 1
    return count


def _write_demo_videos(folder: Path, seed: int) -> int:
    """Two films and an animated GIF of synthetic scenes; return how many files."""
    from triage_app.demo.synthetic_video import Scene, write_video

    (folder / "Videos").mkdir(exist_ok=True)
    film = Scene(seed=seed % 1000, width=320, height=240)
    write_video(folder / "Videos" / "VID_0001.mp4", film, seconds=6.0, fps=15)
    write_video(folder / "Chat/Media/Sent" / "VID_0001_sent.mp4", film, seconds=6.0, fps=15,
                size=(240, 180), bit_rate=250_000)  # fmt: skip
    other = Scene(seed=seed % 1000 + 1, width=240, height=180)
    frames = [Image.fromarray(other.frame(t / 2)) for t in range(8)]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=500, loop=0)
    (folder / "Downloads" / "reaction.gif").write_bytes(gif.getvalue())
    return 3


def demo_list_paths(case_dir: Path) -> tuple[Path, Path]:
    """Where the demo's synthetic known list and ignorable list are written."""
    return (
        case_dir.with_name(case_dir.name + "-known-list.csv"),
        case_dir.with_name(case_dir.name + "-ignorable.txt"),
    )


def write_demo_lists(session: CaseSession, case_dir: Path) -> tuple[Path, Path]:
    """Write a synthetic known list (product CSV) and an ignorable list from the demo case.

    Every tenth camera image is "known" exactly (categories A, B and C in turn,
    with its whole hash bundle, so its shared copies become near-match
    suggestions); the text file is known-good.
    """
    known, ignorable = demo_list_paths(case_dir)
    columns = ["md5", "sha1", "sha256", "phash", "dhash", *near_rule.EXTRA_BUNDLE_KEYS]
    lines = [",".join([*columns, "category", "name"])]
    good: list[str] = []
    codes = ["A", "B", "C"]
    for item in session.store.iter_items():
        record = item.record
        path = os.fsdecode(record.path)
        if path.endswith(".txt") and record.sha1:
            good.append(record.sha1)
        found = re.fullmatch(r"(?:DCIM|Pictures|Downloads)/.*IMG_(\d{4})\.jpg", path)
        if found is None or not record.phash or (int(found[1]) - 1000) % 8:
            continue
        own = {"md5": record.md5, "sha1": record.sha1, "sha256": record.sha256,
               "phash": record.phash, "dhash": record.dhash}  # fmt: skip
        hashes = {**record.hash_bundle.get("bundle", {}), **own}
        row = [str(hashes.get(c) or "") for c in columns]
        chosen = len(lines) - 1
        lines.append(",".join([*row, codes[chosen % 3], f"demo-known-{chosen:03d}"]))
    known.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header = "# synthetic known-good files\n"
    ignorable.write_text(header + "\n".join(good) + "\n", encoding="utf-8")
    return known, ignorable


def build_demo_case(
    case_dir: Path,
    *,
    images: int = 300,
    seed: int = 2026,
    progress: Callable[[Progress], None] | None = None,
    import_lists: bool = False,
) -> IngestResult:
    """Create the demo case in ``case_dir`` from a synthetic folder beside it.

    Synthetic known and ignorable lists are written beside it; with
    ``import_lists`` they are also imported into the current hash library
    (``$TRIAGE_HOME``: ``make run`` points it at ``.demo/home``) and matched.
    """
    case_dir = Path(case_dir)
    source = case_dir.with_name(case_dir.name + "-evidence")
    if source.exists() and any(source.iterdir()):
        raise CaseError(f"{source} already exists; remove it or choose another CASE_DIR")
    source.mkdir(parents=True, exist_ok=True)
    write_demo_source(source, images=images, seed=seed)
    with CaseStore.create(
        case_dir,
        reference=DEMO_REF,
        examiner=DEMO_EXAMINER,
        badge="D1234",
        password_hash=hash_password(DEMO_PASSWORD),
    ) as store:
        review = ReviewStore(store)
        for name, badge, role in (
            (DEMO_SUPERVISOR, "S0001", SUPERVISOR),
            (DEMO_SECOND_EXAMINER, "D5678", EXAMINER),
        ):
            review.add_account(
                name=name,
                badge=badge,
                role=role,
                password_hash=hash_password(DEMO_PASSWORD),
                actor=f"{DEMO_EXAMINER} (D1234)",
            )
    with CaseSession.sign_in(case_dir, DEMO_EXAMINER, DEMO_PASSWORD) as session:
        result = ingest(
            session.store,
            source,
            DEMO_EXHIBIT,
            IngestOptions(),
            progress=progress,
            actor=session.actor,
        )
        known, ignorable = write_demo_lists(session, case_dir)
        if import_lists:
            with LibraryStore.open(None) as library:
                for path, role in ((known, "known"), (ignorable, "ignorable")):
                    name = f"demo {path.stem}"
                    if name not in {s.name for s in library.sets()}:
                        import_hash_list(library, path, name=name, role=role, scheme="uk")
        refresh(session, None, match=import_lists)
        return result
