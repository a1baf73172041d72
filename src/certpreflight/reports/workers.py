"""Worker processes that always stop: an ordered map over units with one pipe per worker.

``multiprocessing.Pool`` can hang on the way out: when a signal to the process group
(``timeout``, systemd, ``kill -- -PGID``) kills a worker while it holds the pool's
shared queue lock, ``Pool.terminate()`` waits for that lock forever. Here nothing is
shared: each worker has its own pipe, a thread in the worker drains it (so neither side
can block the other on a full pipe), and stopping is ``SIGKILL`` and ``join``, which
can't wait on a lock. Results come back in input order: unit ``i`` goes to worker
``i % jobs``, and at most ``2 * jobs`` units are in flight.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported by the first ordered_map: --jobs 1 needs none
    import multiprocessing.process
    from multiprocessing.connection import Connection

__all__ = ["WorkerError", "ordered_map"]

_U = TypeVar("_U")
_R = TypeVar("_R")

_STOP = None  # what the parent sends when there is no more work
_JOIN_SECONDS = 5.0


class WorkerError(Exception):
    """A worker died or failed with an error that isn't about the input: exit code 3."""


def _serve(
    conn: Connection,
    others: list[Connection],
    func: Callable[[Any], Any],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker's loop: units in, ``("ok", result)`` or ``("error", exception)`` out."""
    for other in others:  # the other workers' pipes, inherited by fork: not ours to hold
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a signal to the group stops us at once
    _mask(signal.SIG_UNBLOCK)  # blocked by the parent while it forked us: now they may come
    initializer(*initargs)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def receive() -> None:
        try:
            while True:
                unit = conn.recv()
                inbox.put(unit)
                if unit is _STOP:
                    return
        except (EOFError, OSError):  # the parent is gone
            inbox.put(_STOP)

    threading.Thread(target=receive, daemon=True).start()
    while (unit := inbox.get()) is not _STOP:
        try:
            answer: tuple[str, Any] = ("ok", func(unit))
        except Exception as exc:
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception as exc:  # the answer can't be pickled
            conn.send(("error", WorkerError(f"{type(exc).__name__}: {exc}")))


def _died(worker: multiprocessing.process.BaseProcess) -> BaseException:
    """What to raise for a worker whose pipe broke: a signal's exit, or a WorkerError."""
    worker.join(_JOIN_SECONDS)
    code = worker.exitcode
    if code is not None and code < 0:  # killed by a signal: the group got it too
        return SystemExit(128 - code)
    return WorkerError(f"a worker process stopped unexpectedly (exit code {code})")


def _result(worker: multiprocessing.process.BaseProcess, conn: Connection) -> Any:
    """The next answer of one worker: its result, or its error raised here."""
    try:
        kind, value = conn.recv()
    except (EOFError, OSError):
        raise _died(worker) from None
    if kind == "error":
        raise value
    return value


def _give(worker: multiprocessing.process.BaseProcess, conn: Connection, unit: Any) -> None:
    try:
        conn.send(unit)
    except OSError:  # a broken pipe: the worker is gone
        raise _died(worker) from None


def ordered_map(
    func: Callable[[_U], _R],
    units: Iterable[_U],
    *,
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...] = (),
) -> Iterator[_R]:
    """``func(unit)`` for every unit, computed in ``jobs`` worker processes, in input order.

    An error raised by ``func`` is raised here; a worker that dies raises
    :class:`WorkerError` (or ``SystemExit(128 + signal)`` when a signal killed it).
    However this generator ends (exhausted, closed, an exception, a signal turned into
    ``SystemExit``), every worker is stopped before it returns.
    """
    import multiprocessing  # noqa: PLC0415 - see the imports above

    context = multiprocessing.get_context()
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    done = False
    try:
        masked = _mask(signal.SIG_BLOCK)
        try:
            _start(context, workers, jobs, (func, initializer, initargs))
        finally:
            _mask(signal.SIG_SETMASK, masked)  # a signal that came meanwhile is handled now
        pending: deque[int] = deque()  # the worker of each unit in flight, in input order
        for index, unit in enumerate(units):
            worker = index % jobs
            _give(*workers[worker], unit)
            pending.append(worker)
            if len(pending) >= 2 * jobs:
                yield _result(*workers[pending.popleft()])
        while pending:
            yield _result(*workers[pending.popleft()])
        for _, conn in workers:
            with contextlib.suppress(OSError):
                conn.send(_STOP)
        done = True
    finally:
        _stop(workers, graceful=done)


_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _mask(how: int, signals: Iterable[int] = _SIGNALS) -> set[int]:
    """``pthread_sigmask`` where it exists (not on Windows); the mask before."""
    if not hasattr(signal, "pthread_sigmask"):
        return set()
    return set(signal.pthread_sigmask(how, signals))


def _start(
    context: Any,
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]],
    jobs: int,
    job: tuple[Callable[..., Any], Callable[..., None], tuple[Any, ...]],
) -> None:
    """Start the workers, SIGINT and SIGTERM blocked (the caller's business).

    A signal handled in the middle of a fork would run the parent's handler in the child
    (which then unwinds the parent's stack: its ``finally`` blocks, its temp files) or be
    swallowed by an at-fork hook in the parent; blocked, it waits until both are ready.
    """
    func, initializer, initargs = job
    for _ in range(jobs):
        mine, theirs = context.Pipe()
        others = [conn for _, conn in workers]
        process = context.Process(
            target=_serve, args=(theirs, others, func, initializer, initargs), daemon=True
        )
        process.start()
        theirs.close()
        workers.append((process, mine))


def _stop(
    workers: list[tuple[multiprocessing.process.BaseProcess, Connection]], *, graceful: bool
) -> None:
    """Stop every worker: after the last unit they exit on their own; otherwise (an error, a
    signal) they are killed at once. ``join`` after ``SIGKILL`` can't hang."""
    for process, conn in workers:
        conn.close()
        if graceful:
            process.join(_JOIN_SECONDS)
        if process.exitcode is None:
            process.kill()
    for process, _ in workers:
        process.join(_JOIN_SECONDS)
