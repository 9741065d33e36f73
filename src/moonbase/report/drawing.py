"""Report figures drawn as PNG, in worker processes while the next ones are built.

Drawing (matplotlib's layout and rasterising) is most of a report's time and holds the
GIL, so threads could not overlap it; a figure pickles in milliseconds. Workers are
spawned, and a spawned process imports the ``__main__`` module again: the command
line's is guarded, a user's script may not be, so workers are the caller's choice
(``in_workers``). Where no worker process can be had, figures are drawn here.
"""

from __future__ import annotations

import base64
import functools
import io
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

DPI = 110

#: What report sections are given to turn a figure (and its title) into a ReportFigure.
Draw = Callable[[Figure, str], "ReportFigure"]


@dataclass(frozen=True)
class ReportFigure:
    """A figure for an HTML page: its title and, once drawn, its PNG in base64."""

    title: str
    drawing: Future[str] = field(default_factory=Future, repr=False, compare=False)

    @property
    def png_base64(self) -> str:
        return self.drawing.result()


def _draw(fig: Figure) -> str:
    """Draw ``fig`` as PNG and close it; returns the PNG in base64."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _draw_pickled(pickled: bytes) -> str:
    """``_draw`` for a pickled figure (what a worker is sent)."""
    return _draw(pickle.loads(pickled))


@functools.cache
def _pool() -> ProcessPoolExecutor | None:
    """The workers, started once per process on first use (spawned: a forked copy of a
    process with threads, such as a progress bar's, can deadlock)."""
    try:
        return ProcessPoolExecutor(
            max_workers=max(1, min(2, os.cpu_count() or 1)),
            mp_context=multiprocessing.get_context("spawn"),
        )
    except (OSError, ImportError, NotImplementedError):  # no processes here
        return None


class FigureDrawer:
    """``drawer(fig, title)`` closes ``fig`` and returns its ReportFigure, drawn here or
    (``in_workers``) in a worker; ``progress(title)`` is called, in this thread and in
    order, as each figure is done. Leaving the ``with`` block waits for every figure."""

    def __init__(
        self, progress: Callable[[str], None] | None = None, in_workers: bool = False
    ) -> None:
        self._progress = progress
        self._in_workers = in_workers
        self._pending: deque[tuple[ReportFigure, bytes, Future[str]]] = deque()

    def __call__(self, fig: Figure, title: str) -> ReportFigure:
        pool = _pool() if self._in_workers else None
        pickled = b""
        work: Future[str] | None = None
        if pool is not None:
            pickled = pickle.dumps(fig)
            try:
                work = pool.submit(_draw_pickled, pickled)
                plt.close(fig)
            except BrokenProcessPool:
                self._broken()  # and this figure is drawn here, below
        if work is None:
            work = Future()
            work.set_result(_draw(fig))
        figure = ReportFigure(title)
        self._pending.append((figure, pickled, work))
        self._settle(wait=False)
        return figure

    def _settle(self, wait: bool) -> None:
        """Finish the figures done so far (all of them with ``wait``), in order."""
        while self._pending:
            figure, pickled, work = self._pending[0]
            if not wait and not work.done():
                return
            self._pending.popleft()
            try:
                png = work.result()
            except BrokenProcessPool:
                self._broken()
                png = _draw_pickled(pickled)
            figure.drawing.set_result(png)
            if self._progress is not None:
                self._progress(figure.title)

    def _broken(self) -> None:
        """A worker died (its memory, say): draw the rest here; the next report starts
        new workers."""
        self._in_workers = False
        _pool.cache_clear()

    def __enter__(self) -> FigureDrawer:
        return self

    def __exit__(self, *exc) -> None:
        self._settle(wait=True)
