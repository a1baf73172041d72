"""Worker processes that always stop: an ordered map over units with one pipe per worker.

``multiprocessing.Pool`` can hang on the way out: when a signal to the process group
(``timeout``, systemd, ``kill -- -PGID``) kills a worker while it holds the pool's
shared queue lock, ``Pool.terminate()`` waits for that lock forever. Here nothing is
shared: each worker has its own pipe, a thread in the worker drains it (so neither side
can block the other on a full pipe), and stopping is ``SIGKILL`` and ``join``, which
can't wait on a lock. Results come back in input order: unit ``i`` goes to worker
``i % jobs``, and at most ``2 * jobs`` units are in flight. A worker that dies (the kernel's
OOM killer, a crash in native code) is said with the unit it was working on.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

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


#: Signals sent to the whole process group (Ctrl-C, ``timeout``, a closed terminal): the
#: parent got one too and stops with its exit (128 + the signal), as the workers did.
_GROUP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _died(worker: multiprocessing.process.BaseProcess, doing: str) -> BaseException:
    """What to raise for a worker whose pipe broke while it was ``doing`` something: the
    group's signal as an exit, or a WorkerError that says what killed it."""
    worker.join(_JOIN_SECONDS)
    code = worker.exitcode
    if code is not None and code < 0:
        if -code in _GROUP_SIGNALS:
            return SystemExit(128 - code)
        why = f"was killed by {signal.Signals(-code).name}"
    else:
        why = f"stopped unexpectedly (exit code {code})"
    return WorkerError(f"a worker process {why} while {doing}")


class _Worker(NamedTuple):
    process: multiprocessing.process.BaseProcess
    conn: Connection


def _result(worker: _Worker, doing: Callable[[], str]) -> Any:
    """The next answer of one worker: its result, or its error raised here (``doing``: what
    it was busy with, asked if it died)."""
    try:
        kind, value = worker.conn.recv()
    except (EOFError, OSError):
        raise _died(worker.process, doing()) from None
    if kind == "error":
        raise value
    return value


def _next(
    pending: deque[tuple[int, Any]],
    workers: list[_Worker],
    doing: Callable[[int], Callable[[], str]],
) -> Any:
    """The answer for the oldest unit in flight, which is then no longer in flight."""
    worker = pending[0][0]
    answer = _result(workers[worker], doing(worker))
    pending.popleft()
    return answer


def _give(worker: _Worker, unit: Any, doing: Callable[[], str]) -> None:
    try:
        worker.conn.send(unit)
    except OSError:  # a broken pipe: the worker is gone
        raise _died(worker.process, doing()) from None


def ordered_map(
    func: Callable[[_U], _R],
    units: Iterable[_U],
    *,
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...] = (),
    describe: Callable[[_U], str] = repr,
) -> Iterator[_R]:
    """``func(unit)`` for every unit, computed in ``jobs`` worker processes, in input order.

    An error raised by ``func`` is raised here; a worker that dies raises
    :class:`WorkerError`, which names the unit it was working on (``describe(unit)``), or
    ``SystemExit(128 + signal)`` when a signal sent to the whole group killed it (SIGINT,
    SIGTERM, SIGHUP).
    However this generator ends (exhausted, closed, an exception, a signal turned into
    ``SystemExit``), every worker is stopped before it returns.
    """
    import multiprocessing  # noqa: PLC0415 - see the imports above

    context = multiprocessing.get_context()
    workers: list[_Worker] = []
    done = False
    try:
        masked = _mask(signal.SIG_BLOCK)
        try:
            _start(context, workers, jobs, (func, initializer, initargs))
        finally:
            _mask(signal.SIG_SETMASK, masked)  # a signal that came meanwhile is handled now
        pending: deque[tuple[int, _U]] = deque()  # each unit in flight and its worker, in order

        def doing(worker: int) -> Callable[[], str]:
            def said() -> str:  # the worker's oldest unit in flight is the one it was on
                unit = next((u for w, u in pending if w == worker), None)
                return "starting" if unit is None else f"checking {describe(unit)}"

            return said

        for index, unit in enumerate(units):
            worker = index % jobs
            _give(workers[worker], unit, doing(worker))
            pending.append((worker, unit))
            if len(pending) >= 2 * jobs:
                yield _next(pending, workers, doing)
        while pending:
            yield _next(pending, workers, doing)
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
    workers: list[_Worker],
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
        workers.append(_Worker(process, mine))


def _stop(workers: list[_Worker], *, graceful: bool) -> None:
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
