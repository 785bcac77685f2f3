"""A warm kernel per batch worker: one Jupyter kernel runs district after district.

A batch worker (``python -m mtcollect_nb.state.warm_kernel``, started by
:class:`mtcollect_nb.state.workers.Worker`) reads one job per line on its standard input, runs
that district's notebook in its :class:`WarmKernel` and answers one JSON line
(``{"error": ""|message}``) on its answer pipe. What a district pays is then its own
cells, not a kernel start and the imports of pandas, pyarrow, plotly and the package.

Decisions (one place):

* Before every district (the first included) the kernel's namespace is reset
  (:func:`reset_namespace`): the user namespace emptied, the execution counter back at 1 (the
  cells are numbered as in a fresh kernel), the warning filters as the fresh kernel had them
  and every module's "already warned" registry invalidated (a warning shown in an earlier
  district shows again), then a garbage collection. Imported modules stay: that is the gain.
* A district gets a fresh kernel when the kernel is dead, when the previous district in this
  kernel failed (whatever state a failed cell left), or after :data:`KERNEL_REUSE` districts
  (memory a long run fragments is given back).
* The executed notebook is saved while it runs at most every :data:`SAVE_EVERY_S` seconds
  (``mtcollect run``: every second): a district of the batch takes about a second, and a
  stopped one still shows on disk where it was, to within those seconds.
* The kernel's own stdout/stderr go to the worker's log (``batch_logs/worker-<n>.log``); the
  worker's output during a district goes to that district's log, as before.

Example:
    >>> WarmKernel(max_districts=3).max_districts
    3
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.state.batch_io import one_line

#: Districts one kernel runs before it is replaced by a fresh one.
KERNEL_REUSE = 50
#: Seconds between saves of a running batch notebook (papermill_engine.SAVE_EVERY_S).
SAVE_EVERY_S = 5.0
#: What the worker runs in the kernel (silently, outside the history) before each district.
RESET_CODE = ("__import__('mtcollect_nb.state.warm_kernel', fromlist=['reset_namespace'])"
              ".reset_namespace()")
_FILTERS: list[Any] | None = None


def reset_namespace() -> None:
    """In the kernel: make the running kernel look fresh to the next notebook.

    Called through :data:`RESET_CODE` before each district; the first call records the warning
    filters the fresh kernel had.
    """
    global _FILTERS
    import gc
    import warnings

    from IPython import get_ipython

    if _FILTERS is None:
        _FILTERS = list(warnings.filters)
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # namespace, Out cache; In[1] again
    warnings.simplefilter("default")  # any change of the filters clears every module's
    warnings.filters[:] = _FILTERS  # type: ignore[index]  # "already warned" registry; restore
    gc.collect()


class WarmKernel:
    """One kernel kept across districts (in a batch worker).

    Attributes:
        max_districts: districts per kernel before a fresh one.
        used: districts run in the current kernel.
        starts: kernels started so far.
        stdout: where the kernel's own output goes (None: inherited).
    """

    def __init__(self, max_districts: int = KERNEL_REUSE, stdout: IO[Any] | None = None) -> None:
        self.max_districts = max(1, max_districts)
        self.used = 0
        self.starts = 0
        self.stdout = stdout
        self.km: Any = None

    @property
    def pid(self) -> int | None:
        """The current kernel's process id (None when no kernel runs)."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return None if proc is None else int(proc.pid)

    def manager(self) -> Any:
        """The kernel manager of a live kernel that may take one more district."""
        from jupyter_core.utils import run_sync

        if self.km is not None and (self.used >= self.max_districts
                                    or not run_sync(self.km.is_alive)()):
            self.stop()
        if self.km is None:
            from mtcollect_nb.report.papermill_engine import KERNEL_ARGUMENTS, kernel_manager

            km = kernel_manager()
            out = {} if self.stdout is None else {"stdout": self.stdout, "stderr": self.stdout}
            run_sync(km.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS), **out)
            self.km, self.used = km, 0
            self.starts += 1
        return self.km

    def run(self, params_path: str | Path, *, plotly_js: Path | None = None) -> Path:
        """Run one district's notebook (see ``run_district_notebook``) in this kernel.

        Raises:
            MtcollectError: as ``run_district_notebook``; the kernel is replaced before the
                next district.
        """
        from mtcollect_nb.report.notebook import run_district_notebook

        km = self.manager()
        self.used += 1
        try:
            return run_district_notebook(params_path, km=km, reset_code=RESET_CODE,
                                         plotly_js=plotly_js)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Shut the kernel down (if any); the next district starts a fresh one."""
        from mtcollect_nb.report.papermill_engine import shutdown

        km, self.km = self.km, None
        if km is not None:
            shutdown(km)


@contextlib.contextmanager
def redirected(log: Path) -> Iterator[None]:
    """File descriptors 1 and 2 (and ``sys.stdout``/``stderr``) into ``log`` for a while."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "wb") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run_job(kernel: WarmKernel, job: dict[str, Any]) -> str:
    """One job of a worker: run the district; the error line, "" when it went well."""
    js = job.get("plotly_js")
    try:
        kernel.run(job["params"], plotly_js=Path(js) if js else None)
    except MtcollectError as exc:
        return one_line(str(exc)) or type(exc).__name__
    except Exception as exc:  # any crash is this district's failure, reported in one line
        return f"{type(exc).__name__}: {one_line(str(exc))}"
    return ""


def serve(max_districts: int = KERNEL_REUSE) -> int:
    """A batch worker: jobs on stdin (one JSON line each), answers on the original stdout.

    The worker's own stdout and stderr (and the kernel's) go to its stderr (the worker log);
    each district's output goes to the ``log`` named in its job. Ends, shutting its kernel
    down, when stdin closes.
    """
    from mtcollect_nb.report import papermill_engine
    from mtcollect_nb.startup import defer_rfc3987_syntax

    defer_rfc3987_syntax()
    papermill_engine.SAVE_EVERY_S = SAVE_EVERY_S
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    worker_log = os.fdopen(os.dup(2), "w", encoding="utf-8")  # for the kernels
    os.dup2(2, 1)  # stray prints go to the worker log, never into the reply pipe
    kernel = WarmKernel(max_districts, stdout=worker_log)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            with redirected(Path(job["log"])):
                error = run_job(kernel, job)
            reply.write(json.dumps({"error": error}) + "\n")
            reply.flush()
    finally:
        kernel.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]) if len(sys.argv) > 1 else KERNEL_REUSE))
