"""The `omtquiz` command: `main` parses the arguments and runs a subcommand or the app.

One module per group of subcommands (`validate`, `progress`, `export`, `authoring`, `drill`),
each with `register(subparsers)`; `main` imports them all by name when a command is asked for
(the app's start needs none of them), so a missing one fails loudly.
"""

from omtquiz.cli.main import main

__all__ = ["main"]
