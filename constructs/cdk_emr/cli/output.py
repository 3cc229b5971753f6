"""Console output shared by the commands."""

from __future__ import annotations

from rich.console import Console

WIDE_OUTPUT = 160
"""Columns used when the output is not a terminal (pipes, files, tests), so tables never fold."""


def stdout_console() -> Console:
    """A console for stdout: the terminal's width, or :data:`WIDE_OUTPUT` when piped."""
    console = Console()
    return console if console.is_terminal else Console(width=WIDE_OUTPUT)
