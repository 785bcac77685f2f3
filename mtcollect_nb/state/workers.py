"""The batch's side of its worker processes: start, hand a district, wait, kill.

A :class:`Worker` is one slot's long-lived process (``python -m
mtcollect_nb.state.warm_kernel``, in a new session) that keeps a warm kernel. The batch writes
one job line to it and waits for the answer line with the district's wall-clock limit; when
the limit passes, :func:`kill_tree` kills the worker *and every descendant* (the kernel runs in
its own session, so killing the process group alone would leave it running), and the next
district of that slot starts a new worker. A worker that dies on its own is replaced too.

The answer is read without :func:`select.select` (which takes only sockets on Windows): a
daemon thread per worker reads its answer pipe line by line into a queue
(:class:`LineReader`), and the batch waits on the queue with the deadline.

Example:
    >>> Worker(Path("worker-1.log")).proc is None   # started on its first district
    True
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from mtcollect_nb.state.batch_io import FAILED, OK, District
from mtcollect_nb.state.warm_kernel import KERNEL_REUSE


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants, even those in other sessions (kernels).

    The root is stopped first so it cannot start new children while the tree is collected.
    Waits for the descendants; the caller reaps the root (``Popen.wait``) to keep its status.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        root.suspend()
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs[1:], timeout=10)


class Running:
    """The worker processes alive now, so an interrupted batch can kill them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """True once :meth:`kill_all` was called: no district should start any more."""
        return self._stopping

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        """Track a new worker (killed at once when the batch is already stopping)."""
        with self._lock:
            self._procs[proc.pid] = proc
            stopping = self._stopping
        if stopping:  # started after kill_all: stop it at once
            kill_tree(proc.pid)

    def remove(self, proc: subprocess.Popen[bytes]) -> None:
        """Forget a worker that ended."""
        with self._lock:
            self._procs.pop(proc.pid, None)

    def kill_all(self) -> None:
        """Stop: kill every tracked worker's tree; workers started later die at once."""
        with self._lock:
            self._stopping = True
            procs = list(self._procs.values())
        for p in procs:
            kill_tree(p.pid)


class Worker:
    """One slot's worker process: started on first use, replaced after a kill or a crash.

    Attributes:
        log: the worker's own log (its stderr and its kernels' output), appended to.
        kernel_reuse: districts one kernel runs before the worker starts a fresh one.
        proc: the running process, or None.
    """

    def __init__(self, log: Path, running: Running | None = None,
                 kernel_reuse: int = KERNEL_REUSE) -> None:
        self.log = log
        self.running = running
        self.kernel_reuse = kernel_reuse
        self.proc: subprocess.Popen[bytes] | None = None
        self.answers: LineReader | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "mtcollect_nb.state.warm_kernel", str(self.kernel_reuse)]
        with open(self.log, "ab") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=err, start_new_session=True,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.proc = proc
        assert proc.stdout is not None
        self.answers = LineReader(proc.stdout)
        if self.running is not None:
            self.running.add(proc)
        return proc

    def _drop(self, kill: bool) -> int | None:
        """Forget the worker (killing its tree first when ``kill``); its exit code."""
        proc, self.proc, self.answers = self.proc, None, None
        if proc is None:
            return None
        if kill:
            kill_tree(proc.pid)
        code = proc.wait()
        if proc.stdin is not None:  # (its answer pipe is closed by its LineReader at EOF)
            try:
                proc.stdin.close()
            except OSError:
                pass
        if self.running is not None:
            self.running.remove(proc)
        return code

    def run(self, d: District, timeout: float | None, log: Path,
            plotly_js: Path | None = None) -> tuple[str, float, str]:
        """Run one district in this worker: (status, seconds, message). Never raises.

        The clock starts here, so a new worker's start and a fresh kernel count.
        """
        start = time.monotonic()
        if self.proc is not None and self.proc.poll() is not None:
            self._drop(kill=True)  # died since its last district
        proc = self.proc or self._start()
        answers = self.answers
        assert answers is not None
        job = {"params": str(d.params_file), "log": str(log),
               "plotly_js": "" if plotly_js is None else str(plotly_js)}
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except OSError:  # died just now: the answer below is empty
            pass
        line = answers.read_line(None if timeout is None else start + timeout)
        seconds = time.monotonic() - start
        if line is None:
            self._drop(kill=True)
            return FAILED, seconds, f"time limit of {timeout:g} s exceeded; run stopped"
        try:
            message = str(json.loads(line)["error"])
        except (ValueError, KeyError, TypeError):
            code = self._drop(kill=True)
            return FAILED, seconds, (f"worker exited with code {code} without a result "
                                     f"(see {log} and {self.log})")
        return (FAILED if message else OK), seconds, message

    def close(self, wait: float = 60.0) -> None:
        """End the worker: close its input (it shuts its kernel down); kill it if it lingers."""
        proc = self.proc
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=wait)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._drop(kill=proc.poll() is None)


class LineReader:
    r"""The lines of a pipe, read by a daemon thread, waited for with a deadline (portable).

    Example:
        >>> import io
        >>> r = LineReader(io.BytesIO(b'{"error": ""}\n'))
        >>> r.read_line(None), r.read_line(None)
        (b'{"error": ""}\n', b'')
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines: queue.Queue[bytes] = queue.Queue()
        self._eof = False
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True,
                                        name="mtcollect-worker-answers")
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        try:
            for line in iter(stream.readline, b""):
                self._lines.put(line)
        except (OSError, ValueError):  # a broken pipe ends it like EOF
            pass
        finally:
            self._lines.put(b"")  # end of file
            with contextlib.suppress(OSError):
                stream.close()

    def read_line(self, deadline: float | None) -> bytes | None:
        """The next line: None when ``deadline`` (monotonic) passed first, b"" at EOF."""
        if self._eof:
            return b""
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            line = self._lines.get(timeout=wait)
        except queue.Empty:
            return None
        self._eof = line == b"" or not line.endswith(b"\n")
        return line
