"""Build the standalone omtquiz app with PyInstaller: no Python needed where it runs.

    python packaging/build.py              # one folder: dist/omtquiz/omtquiz (fast to start)
    python packaging/build.py --onefile    # one file:   dist/omtquiz-onefile (one download)

Run it on the platform you build for (PyInstaller does not cross-compile): Linux gives an ELF
folder or file, Windows an .exe, macOS a .app bundle (`--windowed`). The bundle holds only the
Qt modules the app imports (QtCore, QtGui, QtWidgets, QtNetwork, QtSvg) and the platform
plugins they need; WebEngine, QML/Quick and the other Qt add-ons are excluded outright, so a
wider PySide6 install on the build machine does not leak into the bundle.

Needs `pip install pyinstaller` in the environment that has omtquiz installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
NAME = "omtquiz"

# Imported by nothing in omtquiz; named so that a PySide6 with add-ons cannot drag them in.
QT_EXCLUDES = (
    "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebSockets",
    "QtQml", "QtQuick", "QtQuick3D", "QtQuickWidgets", "QtQuickControls2", "Qt3DCore",
    "QtMultimedia", "QtMultimediaWidgets", "QtPdf", "QtPdfWidgets", "QtCharts",
    "QtDataVisualization", "QtGraphs", "QtOpenGL", "QtOpenGLWidgets", "QtSql", "QtTest",
    "QtDesigner", "QtUiTools", "QtHelp", "QtBluetooth", "QtPositioning", "QtLocation",
    "QtSensors", "QtSerialPort", "QtSpatialAudio", "QtTextToSpeech", "QtRemoteObjects",
    "QtScxml", "QtStateMachine", "QtConcurrent", "QtDBus", "QtPrintSupport", "QtXml",
)
# Test and build tools that may sit in the same environment; the app never imports them.
PY_EXCLUDES = ("tkinter", "pytest", "hypothesis", "anki", "aqt", "jsonschema", "ruff",
               "IPython", "numpy", "PyInstaller", "importlinter")


def pyinstaller_args(onefile: bool, dist: Path, work: Path) -> list[str]:
    sep = os.pathsep
    args = [
        str(HERE / "entry.py"), "--name", NAME if not onefile else f"{NAME}-onefile",
        "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
        # Bundled decks and assets go where omtquiz.paths looks in an installed package.
        "--add-data", f"{ROOT / 'decks'}{sep}{NAME}/_bundled/decks",
        "--add-data", f"{ROOT / 'assets'}{sep}{NAME}/_bundled/assets",
        # The deck JSON Schema and any other data file inside the package.
        "--collect-data", NAME,
        # Every module of ours, including those the app imports lazily (the UI, commands).
        "--collect-submodules", NAME,
    ]
    for module in QT_EXCLUDES:
        args += ["--exclude-module", f"PySide6.{module}"]
    for module in PY_EXCLUDES:
        args += ["--exclude-module", module]
    if onefile:
        args.append("--onefile")
    if sys.platform in ("win32", "darwin"):
        # No console window, a .app bundle on macOS; the icon is used there only (Linux menus
        # take it from the .desktop entry).
        args += ["--windowed", "--icon", str(ROOT / "assets" / "omtquiz.png")]
    return args


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(onefile: bool, dist: Path, work: Path) -> Path:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "PyInstaller", *pyinstaller_args(onefile, dist, work)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    out = dist / (f"{NAME}-onefile" + (".exe" if sys.platform == "win32" else "")
                  if onefile else NAME)
    if sys.platform.startswith("linux") and not onefile:
        shutil.copy2(HERE / "linux" / "omtquiz.desktop", out / "omtquiz.desktop")
        shutil.copy2(HERE / "linux" / "install-desktop-entry.sh", out / "install-desktop-entry.sh")
        shutil.copy2(ROOT / "assets" / "omtquiz.png", out / "omtquiz.png")
    size = folder_size(out)
    print(f"built {out} in {time.perf_counter() - started:.0f} s: {size / 2**20:.0f} MiB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--onefile", action="store_true", help="one executable file")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's scratch folder")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("build: PyInstaller is not installed (pip install pyinstaller)", file=sys.stderr)
        return 2
    build(args.onefile, args.dist.resolve(), args.work.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
