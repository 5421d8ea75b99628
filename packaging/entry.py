"""PyInstaller's entry script: the same `omtquiz` command a pip install puts on PATH."""

from omtquiz.cli import main

raise SystemExit(main())
