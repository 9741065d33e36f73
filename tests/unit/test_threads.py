"""``moonbase.threads``: every group runs once, in parallel, and errors reach the caller."""

from __future__ import annotations

import threading

import pytest

from moonbase.threads import cores, in_threads, thread_groups


def test_every_group_runs_once_each_in_its_own_thread():
    seen = []
    barrier = threading.Barrier(3, timeout=10)  # all three must be running at once

    def work(group, groups):
        barrier.wait()
        seen.append((group, groups, threading.get_ident()))

    in_threads(work, 3)
    assert sorted(g for g, _, _ in seen) == [0, 1, 2]
    assert {n for _, n, _ in seen} == {3}
    assert len({ident for _, _, ident in seen}) == 3


def test_one_group_runs_in_the_callers_thread():
    seen = []
    in_threads(lambda group, groups: seen.append((group, groups, threading.get_ident())), 1)
    assert seen == [(0, 1, threading.get_ident())]


def test_an_error_in_any_group_reaches_the_caller_after_all_finish():
    finished = []

    def work(group, groups):
        if group == 1:
            raise ValueError("group 1 failed")
        finished.append(group)

    with pytest.raises(ValueError, match="group 1 failed"):
        in_threads(work, 4)
    assert sorted(finished) == [0, 2, 3]


def test_groups_are_the_threads_asked_for_never_more_than_the_items():
    assert thread_groups(None, 10_000) == cores() >= 1
    assert thread_groups(3, 10_000) == 3
    assert thread_groups(8, 5) == 5
    assert thread_groups(4, 0) == 1
