"""Consoles and error reporting shared by the command-line modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from moonbase.errors import MoonbaseError

out_console = Console()
err_console = Console(stderr=True)


def say(text: str) -> None:
    """Print a plain line to standard output (no markup, no wrapping)."""
    out_console.print(text, markup=False, highlight=False, soft_wrap=True)


def fail(message: str) -> None:
    """Print an error on stderr and exit with status 1."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Turn moonbase's own errors into one message on stderr and exit status 1."""
    try:
        yield
    except MoonbaseError as error:
        fail(str(error))
