"""``triage ingest``, ``triage items`` and ``triage demo``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triage_app.cli.argtypes import MAX_ID, float_range, int_range
from triage_app.cli.hashset_commands import print_refresh
from triage_app.cli.signin import begin_session, open_session
from triage_app.cli.subcommands import case_command, finish

if TYPE_CHECKING:
    from triage_app.ingest.pipeline import IngestResult

#: Limits of the numbers the commands take (beyond them nothing sensible happens).
MAX_WORKERS = 256
MAX_DECODE_TIMEOUT = 3600.0
MAX_DEMO_IMAGES = 100_000


def register(sub: Any) -> None:
    """Add the ingest, items and demo commands."""
    p = case_command(sub, "ingest", "hash and index a folder of seized media (read-only)")
    p.add_argument("source_dir", type=Path, metavar="SOURCE_DIR")
    p.add_argument("--exhibit", required=True, metavar="REF", help="exhibit reference, e.g. ABC/1")
    p.add_argument(
        "--workers",
        type=int_range(1, MAX_WORKERS),
        default=os.cpu_count() or 1,
        metavar="N",
        help=f"decoding processes (1 to {MAX_WORKERS}; default: one per processor)",
    )
    p.add_argument(
        "--decode-timeout",
        type=float_range(0.0, MAX_DECODE_TIMEOUT, low_open=True),
        default=30.0,
        metavar="SECONDS",
        help=f"per-file limit for decoding an image (above 0, at most {MAX_DECODE_TIMEOUT:g}; "
        "default 30)",
    )
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    p.add_argument("--no-match", action="store_true", help="do not match against the hash library")
    finish(p, cmd_ingest, library=True)

    items = case_command(sub, "items", "list a case's items")
    finish(items, cmd_items, json="a JSON array, one object per file")

    demo = case_command(sub, "demo", "generate a synthetic seized folder and ingest it")
    demo.add_argument(
        "--images",
        type=int_range(1, MAX_DEMO_IMAGES),
        default=300,
        help=f"number of base images (1 to {MAX_DEMO_IMAGES:,})",
    )
    demo.add_argument("--seed", type=int_range(0, MAX_ID), default=2026)
    demo.add_argument(
        "--import-lists",
        action="store_true",
        help="also import the demo's synthetic lists into the hash library and match "
        "(use with a TRIAGE_HOME of its own, as `make run` does)",
    )
    finish(demo, cmd_demo, user=False)


def print_result(result: IngestResult) -> None:
    """Print an ingest's outcome and the accounting identity."""
    t = result.totals
    print(f"exhibit {result.exhibit}: {result.state}; {result.added} entries recorded this run")
    if result.resumed_from:
        print(f"resumed: {result.resumed_from} entries were already recorded")
    print(f"found {t.found} = hashed {t.hashed} + skipped {t.skipped} + failed {t.failed}")
    if result.atime_preserved is False:
        print("note: access times could not be preserved for every file (no O_NOATIME permission)")


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest a folder.

    The worker processes start before anything else, so they load their
    decoders while the case is opened and the account signed in; once the
    password is known to be right, the first files are handed to them.
    """
    from triage_app.ingest.tasks import IngestOptions, first_tasks, start_workers

    options = IngestOptions(workers=args.workers, decode_timeout=args.decode_timeout)
    with start_workers(options) as pool:

        def prefetch() -> int:  # once the password is right: the first files to a worker
            found = first_tasks(args.case_dir, args.source_dir, options.keep_limit, 2)
            return pool.prefetch(found)

        signing_in = begin_session(args, on_verified=prefetch)
        from triage_app.cli.progress_bar import ProgressBar
        from triage_app.ingest.pipeline import ingest_exhibit
        from triage_app.review.refresh import refresh

        bar = ProgressBar(enabled=False if args.no_progress else None)
        with signing_in.finish() as session:
            try:
                result = ingest_exhibit(
                    session, args.source_dir, args.exhibit, options, progress=bar, pool=pool
                )
            finally:
                bar.close()
            print_result(result)
            if result.state == "finished":
                print_refresh(refresh(session, args.library, match=not args.no_match))
    if result.state != "finished":
        print("the ingest did not finish: run the same command again to resume", file=sys.stderr)
        return 1
    return 0 if result.totals.balanced else 1


def cmd_items(args: argparse.Namespace) -> int:
    """Print items."""
    from triage_app.review.items import item_listing

    with open_session(args) as session:
        rows = item_listing(session)
        out = sys.stdout
        if args.json:
            out.write("[")
            for index, item in enumerate(rows):
                out.write(",\n" if index else "\n")
                out.write(json.dumps(item))
            out.write("\n]\n")
            return 0
        for item in rows:
            digest = item["sha256"] or "-"
            grade = item["grade"]["category"] if item["grade"] else "-"
            out.write(
                f"{item['id']:>7}  {item['status']:<7}  {digest[:16]:<16}  {grade:<4} "
                f"{item['exhibit']}  "
            )
            out.write(json.dumps(item["path"])[1:-1] + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build a demo case."""
    from triage_app.cli.progress_bar import ProgressBar
    from triage_app.demo.build import (
        DEMO_EXAMINER,
        DEMO_PASSWORD,
        DEMO_SECOND_EXAMINER,
        DEMO_SUPERVISOR,
        build_demo_case,
        demo_list_paths,
    )

    bar = ProgressBar()
    try:
        result = build_demo_case(
            args.case_dir,
            images=args.images,
            seed=args.seed,
            progress=bar,
            import_lists=args.import_lists,
        )
    finally:
        bar.close()
    print_result(result)
    print(f"demo case ready in {args.case_dir}")
    known, ignorable = demo_list_paths(args.case_dir)
    action = "imported and matched" if args.import_lists else "written"
    print(f"synthetic lists {action}: {known} (known), {ignorable} (ignorable)")
    print(
        f"accounts: {DEMO_EXAMINER!r} and {DEMO_SECOND_EXAMINER!r} (examiners), "
        f"{DEMO_SUPERVISOR!r} (supervisor); password {DEMO_PASSWORD!r}"
    )
    return 0
