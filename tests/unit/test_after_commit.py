"""Work deferred until the scope that holds the transactions has ended."""

import pytest

from resolvers.platform import after_commit


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def wake(self) -> None:
        self.count += 1


def test_outside_a_scope_the_call_happens_at_once():
    calls = Calls()
    after_commit.defer(calls.wake)
    assert calls.count == 1


def test_inside_a_scope_the_call_waits_for_its_end_and_happens_once():
    calls = Calls()
    with after_commit.scope():
        for _ in range(3):
            after_commit.defer(calls.wake)
        assert calls.count == 0
    assert calls.count == 1


def test_a_scope_that_failed_still_calls_what_it_deferred():
    calls = Calls()
    with pytest.raises(RuntimeError), after_commit.scope():
        after_commit.defer(calls.wake)
        raise RuntimeError("rolled back")
    assert calls.count == 1


def test_an_inner_scope_calls_its_own_at_its_end_and_leaves_the_outer_one_deferring():
    inner, outer = Calls(), Calls()
    with after_commit.scope():
        with after_commit.scope():
            after_commit.defer(inner.wake)
        assert inner.count == 1
        after_commit.defer(outer.wake)
        assert outer.count == 0
    assert outer.count == 1
