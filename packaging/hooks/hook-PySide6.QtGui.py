"""PyInstaller hook for PySide6.QtGui: the stock one, less the plugins we do not ship.

Dropping a plugin here, before PyInstaller resolves shared-library
dependencies, also keeps out the libraries only it needs (the GTK 3 theme
alone would bring GTK's cairo, pango and friends). The plugins left out:
embedded-device platforms (EGLFS, framebuffer, VNC, Vulkan display) with their
evdev input plugins, and the GTK 3 theme (the app draws the Fusion style).
"""

from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROP = (
    "plugins/egldeviceintegrations/",
    "plugins/generic/",
    "plugins/platformthemes/libqgtk3.so",
    "plugins/platforms/libqeglfs.so",
    "plugins/platforms/libqlinuxfb.so",
    "plugins/platforms/libqminimalegl.so",
    "plugins/platforms/libqvkkhrdisplay.so",
    "plugins/platforms/libqvnc.so",
)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [
    (src, dest)
    for src, dest in binaries
    if not any(part in f"{dest}/{Path(src).name}" for part in DROP)
]
