"""Consoles and error reporting shared by the command-line modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from moonbase.errors import MoonbaseError

if TYPE_CHECKING:
    from moonbase.scenario import Span

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


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr; yields ``update(done, total)``.

    The bar appears at the first update, so work that fails its checks before it
    starts leaves an error alone, not an empty bar above it.
    """
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with ExitStack() as stack:
        shown: list = []  # (bar, task) once shown

        def update(done: int, total: int) -> None:
            if not shown:
                bar = stack.enter_context(Progress(*columns, console=err_console))
                shown.append((bar, bar.add_task(description, total=total)))
            bar, task = shown[0]
            bar.update(task, completed=done, total=total)

        yield update


def span_from_options(start: str, stop: str, step: str) -> Span:
    """Validate --start, --stop and --step; on failure name each bad option and exit 1."""
    from pydantic import ValidationError

    from moonbase.scenario import Span

    try:
        return Span(start=start, stop=stop, step=step)
    except ValidationError as error:
        fail(
            "; ".join(
                f"--{item['loc'][0] if item['loc'] else 'start/--stop'}: "
                f"{item['msg'].removeprefix('Value error, ')}"
                for item in error.errors(include_url=False)
            )
        )
