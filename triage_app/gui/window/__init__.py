"""The main window: its frame (menus, toolbar, status bar), case lifecycle, supervision windows."""
