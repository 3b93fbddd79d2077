"""``triage note``, ``tag``, ``mark-frame``, ``notes`` and ``remove-note``: examiners'
notes, tags and marked video frames on items (each write one audited action)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from triage_app.cli.argtypes import float_range, item_id
from triage_app.cli.signin import open_session
from triage_app.cli.subcommands import case_command, finish

if TYPE_CHECKING:
    from triage_app.review.annotations import Annotation

#: A frame's time: seconds from the start of the video (checked against its duration).
seconds = float_range(0, 10_000_000)


def register(sub: Any) -> None:
    """Add the annotation commands."""
    n = case_command(sub, "note", "add a note to an item")
    n.add_argument("item", type=item_id, metavar="ITEM")
    n.add_argument("text", metavar="TEXT", help="the note (1 to 2000 characters)")
    finish(n, cmd_note)

    t = case_command(sub, "tag", "tag an item (or remove its tags with --remove)")
    t.add_argument("item", type=item_id, metavar="ITEM")
    t.add_argument("tags", nargs="+", metavar="TAG", help="1 to 40 printable characters each")
    t.add_argument("--remove", action="store_true", help="remove these tags instead")
    finish(t, cmd_tag)

    m = case_command(sub, "mark-frame", "mark a frame of a video item, with an optional note")
    m.add_argument("item", type=item_id, metavar="ITEM")
    m.add_argument("seconds", type=seconds, metavar="SECONDS", help="time from the start")
    m.add_argument("--note", metavar="TEXT", help="what the frame shows")
    finish(m, cmd_mark_frame)

    s = case_command(sub, "notes", "an item's notes, tags and marked frames")
    s.add_argument("item", type=item_id, metavar="ITEM")
    s.add_argument("--removed", action="store_true", help="list removed ones too")
    finish(s, cmd_notes, json=True)

    r = case_command(sub, "remove-note", "mark a note, tag or frame mark removed (kept, audited)")
    r.add_argument("annotation", type=item_id, metavar="ID", help="as 'triage notes' lists it")
    r.add_argument("--reason", required=True, metavar="TEXT")
    finish(r, cmd_remove_note)


def _line(a: Annotation) -> str:
    what = f"frame at {a.seconds:g} s" if a.seconds is not None else a.kind
    text = f": {a.text}" if a.text else ""
    removed = (
        f"  [removed {a.removed_at} by {a.removed_by}: {a.removed_reason}]" if a.removed else ""
    )
    return f"#{a.id} {what} by {a.examiner} at {a.at}{text}{removed}"


def cmd_note(args: argparse.Namespace) -> int:
    """Add a note."""
    from triage_app.review import annotations

    with open_session(args) as session:
        note = annotations.add_note(session, args.item, args.text)
    print(f"item {args.item}: {_line(note)}")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    """Add or remove tags."""
    from triage_app.review import annotations

    with open_session(args) as session:
        if args.remove:
            change = annotations.set_tags(session, args.item, remove=args.tags)
        else:
            change = annotations.set_tags(session, args.item, add=args.tags)
    if change.added:
        print(f"tagged: {', '.join(change.added)}")
    if change.removed:
        print(f"untagged: {', '.join(change.removed)}")
    if change.unchanged:
        said = "not tagged so" if args.remove else "already tagged"
        print(f"{said}: {', '.join(change.unchanged)}")
    print(f"item {args.item} tags: {', '.join(change.tags) or '-'}")
    return 0


def cmd_mark_frame(args: argparse.Namespace) -> int:
    """Mark a video frame."""
    from triage_app.review import annotations

    with open_session(args) as session:
        mark = annotations.mark_frame(session, args.item, args.seconds, args.note)
    print(f"item {args.item}: {_line(mark)}")
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    """Show an item's notes, tags and marked frames."""
    from triage_app.review import annotations

    with open_session(args) as session:
        found = annotations.for_item(session, args.item)
    if args.json:
        out = {"item": args.item, **found.to_json()}
        if args.removed:
            out["removed"] = [
                {"id": a.id, "kind": a.kind, "text": a.text, "seconds": a.seconds,
                 "examiner": a.examiner, "at": a.at, "removed_at": a.removed_at,
                 "removed_by": a.removed_by, "reason": a.removed_reason}
                for a in found.removed
            ]  # fmt: skip
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"item {args.item} tags: {', '.join(found.tags) or '-'}")
    for a in (*found.notes, *found.frames, *(found.removed if args.removed else ())):
        print(_line(a))
    if not found.notes and not found.frames:
        print("no notes or marked frames")
    return 0


def cmd_remove_note(args: argparse.Namespace) -> int:
    """Mark an annotation removed."""
    from triage_app.review import annotations

    with open_session(args) as session:
        gone = annotations.remove(session, args.annotation, args.reason)
    print(f"item {gone.item_id}: {_line(gone)}")
    return 0
