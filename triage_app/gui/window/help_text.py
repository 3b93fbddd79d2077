"""The Help menu's texts: the keyboard shortcuts and the About box."""

from __future__ import annotations

import html

from triage_app import __version__
from triage_app.gui.qt import QMessageBox, QWidget
from triage_app.gui.widgets.forms import open_message
from triage_app.review.tiles import BADGE_LEGEND

SHORTCUTS_HELP = (
    """
<h3>Gallery keys</h3>
<table>
<tr><td><b>scheme key</b> (e.g. 1, 2, 3, 0, U)</td><td>grade the selected tiles</td></tr>
<tr><td><b>Shift</b> + scheme key</td><td>grade each selected tile's whole duplicate group</td></tr>
<tr><td><b>Enter</b> or <b>C</b></td><td>confirm the near-match suggestion</td></tr>
<tr><td><b>Ctrl+Z</b></td><td>undo this session's last grading action</td></tr>
<tr><td>hold <b>Space</b></td><td>reveal the current tile; release to blur</td></tr>
<tr><td>hold the <b>left mouse button</b> on a tile</td><td>reveal it; release to blur</td></tr>
<tr><td><b>arrows</b>, <b>Shift+arrows</b>, <b>Ctrl+A</b></td><td>move, extend, select all</td></tr>
<tr><td><b>Ctrl+1</b> ... <b>Ctrl+7</b></td>
<td>review queue, suggestions, exact, ignorable, graded, failed, all</td></tr>
<tr><td><b>Ctrl+L</b> / <b>F6</b></td><td>filter list / switch between gallery and details</td></tr>
<tr><td><b>O</b> or double-click</td><td>open the tile's duplicate group (Esc: back)</td></tr>
<tr><td><b>X</b></td><td>compare two tiles side by side (Left/Right: side; Space: reveal it)
</td></tr>
<tr><td><b>[</b> / <b>]</b></td><td>a video's strip: choose the frame that Space reveals</td></tr>
<tr><td><b>P</b></td><td>play a video muted from that frame; P or Esc stops (logged)</td></tr>
<tr><td>right-click</td><td>the tile's menu: details, reveal, grade, group, copy, notes, tags,
mark a video frame, show in the folder tree</td></tr>
<tr><td><b>F8</b> / <b>Ctrl+R</b></td>
<td>folder tree / make a report (PDF, HTML, CSV, VICS)</td></tr>
</table>
<h3>Badges</h3>
<table>
"""
    + "".join(
        f"<tr><td><b>{html.escape(badge)}</b></td><td>{html.escape(meaning)}</td></tr>"
        for badge, meaning in BADGE_LEGEND
    )
    + "</table>"
)

ABOUT = (
    f"Triage workstation {__version__}\nOffline, auditable triage for image review. "
    "Everything shown in the demo is synthetic."
)


def show_keys(parent: QWidget) -> None:
    """The gallery's keys, in a box that does not block."""
    open_message(parent, QMessageBox.Icon.NoIcon, "Keyboard", SHORTCUTS_HELP)


def show_about(parent: QWidget) -> None:
    """What the program is."""
    QMessageBox.about(parent, "About", ABOUT)
