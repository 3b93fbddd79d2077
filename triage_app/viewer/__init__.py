"""What the examiner's workstation shows, without Qt.

Blurred tiles and reveal images (:mod:`.thumbnails`), viewer settings
(:mod:`.settings`), gallery filters and duplicate-group collapsing
(:mod:`.filters`), what a tile says (:mod:`.tiles`), the detail pane's facts
(:mod:`.details`) and undoing grading actions (:mod:`.undo`). The GUI in
``triage_app.gui`` is a thin Qt layer over these.
"""
