"""Report figures drawn in worker processes: the same PNG as drawn here, in order."""

from __future__ import annotations

import functools
import os
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import matplotlib.pyplot as plt
import numpy as np

from moonbase.report import drawing


def _figure(seed: int):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(np.random.default_rng(seed).normal(size=200))
    ax.set_title(f"figure {seed}")
    fig.tight_layout()
    return fig


def _drawn_here(seed: int) -> str:
    return drawing._draw(_figure(seed))


def _draw_three(progress: list[str], in_workers: bool = True) -> list[drawing.ReportFigure]:
    with drawing.FigureDrawer(progress.append, in_workers) as drawn:
        figures = [drawn(_figure(seed), f"figure {seed}") for seed in range(3)]
    return figures


def test_workers_draw_the_same_png_and_report_each_figure_in_order():
    pool = drawing._pool()
    assert pool is not None and pool.submit(os.getpid).result() != os.getpid()
    progress: list[str] = []
    figures = _draw_three(progress)
    assert progress == ["figure 0", "figure 1", "figure 2"]
    for seed, figure in enumerate(figures):
        assert figure.drawing.done()
        assert figure.png_base64 == _drawn_here(seed)
    assert plt.get_fignums() == []  # every figure closed here


def test_without_worker_processes_figures_are_drawn_here(monkeypatch):
    monkeypatch.setattr(drawing, "_pool", lambda: None)  # none can be had
    for in_workers in (True, False):
        progress: list[str] = []
        figures = _draw_three(progress, in_workers)
        assert progress == ["figure 0", "figure 1", "figure 2"]
        assert [f.png_base64 for f in figures] == [_drawn_here(seed) for seed in range(3)]


def test_workers_only_when_asked(monkeypatch):
    def no_pool():
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(drawing, "_pool", no_pool)
    assert len(_draw_three([], in_workers=False)) == 3


class _BrokenPool:
    """A pool whose workers died: a submission fails late (``late``) or at once."""

    def __init__(self, late: bool):
        self.late = late
        self.calls = 0

    def submit(self, *args):
        self.calls += 1
        if not self.late:
            raise BrokenProcessPool("gone")
        future = Future()
        future.set_exception(BrokenProcessPool("killed"))
        return future


def test_a_broken_worker_pool_falls_back_to_drawing_here(monkeypatch):
    for late in (True, False):
        pool = _BrokenPool(late)

        @functools.cache
        def broken_pool(pool=pool):
            return pool

        broken_pool()
        monkeypatch.setattr(drawing, "_pool", broken_pool)
        progress: list[str] = []
        figures = _draw_three(progress)
        assert pool.calls == 1  # then the rest are drawn here
        assert broken_pool.cache_info().currsize == 0  # the next report starts new workers
        assert progress == ["figure 0", "figure 1", "figure 2"]
        assert [f.png_base64 for f in figures] == [_drawn_here(seed) for seed in range(3)]
