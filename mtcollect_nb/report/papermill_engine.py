"""Executing a notebook with papermill: this Python's kernel, one-line errors, throttled saves.

:func:`execute_notebook` is how every notebook of the package runs (the runner,
:func:`mtcollect_nb.report.notebook.run_notebook`, calls it): with a kernel of *this* Python
(:func:`kernel_manager`, whatever kernelspec the user registered), through the engine below,
and any failure becomes one :class:`~mtcollect_nb.errors.MtcollectError` line.

papermill's default engine rewrites (and re-validates) the whole output notebook twice per
cell, before and after it runs: for the district notebook that is about 60 writes of a growing
file, over a second of the run. :class:`ThrottledEngine` keeps papermill's behaviour (the same
kernel client, metadata and error handling; papermill itself writes the final notebook, also
when a cell fails) and only skips intermediate saves that come less than
:data:`SAVE_EVERY_S` seconds after the previous one, so a running or killed notebook on disk is
never more than about a second behind; the engine's own final save is skipped when papermill
writes the same notebook right after it (a run that ends without an exception).

With a kernel manager whose kernel is already running (a batch worker's warm kernel,
``km=...``), the engine runs ``reset_code`` silently in that kernel before the first cell and
closes its own client's channels afterwards; the kernel is left running for the next notebook.

Example:
    >>> import papermill.engines as pe
    >>> register() in pe.papermill_engines._engines and ENGINE_NAME == register()
    True
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.files import atomic_path

ENGINE_NAME = "mtcollect"
SAVE_EVERY_S = 1.0
#: Command-line arguments of every notebook kernel.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)


class ThrottledExecutionManager(NotebookExecutionManager):  # type: ignore[misc]
    """papermill's execution manager; ``save`` is skipped within ``SAVE_EVERY_S`` of the last.

    The first save (parameters injected) and the last (notebook complete) always happen.
    """

    _force = False

    def save(self, **kwargs: Any) -> None:
        """Write the notebook unless the last write was under ``SAVE_EVERY_S`` seconds ago."""
        elapsed = (self.now() - self.last_save_time).total_seconds()
        if self._force or elapsed >= SAVE_EVERY_S:
            super().save(**kwargs)

    @contextmanager
    def _forced(self) -> Iterator[None]:
        self._force = True
        try:
            yield
        finally:
            self._force = False

    def notebook_start(self, **kwargs: Any) -> None:
        """Start as papermill does and write the notebook with its injected parameters."""
        with self._forced():
            super().notebook_start(**kwargs)

    def notebook_complete(self, *, force: bool = True, **kwargs: Any) -> None:
        """Finish as papermill does and write the final state (``force=False``: only if due)."""
        if not force:
            super().notebook_complete(**kwargs)
            return
        with self._forced():
            super().notebook_complete(**kwargs)


class ResettingClient(PapermillNotebookClient):  # type: ignore[misc]
    """papermill's client; runs ``reset_code`` in the kernel as soon as its client is ready."""

    reset_code: str | None = None

    async def async_start_new_kernel_client(self) -> Any:
        """Start the client as nbclient does, then run the reset (outside the history)."""
        kc = await super().async_start_new_kernel_client()
        if self.reset_code:
            msg_id = kc.execute(self.reset_code, silent=True, store_history=False)
            reply = await self.async_wait_for_reply(msg_id)
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError(f"kernel reset failed: {content.get('ename', 'no reply')}: "
                                   f"{content.get('evalue', '')}")
        return kc

    # nbclient's synchronous wrapper is bound to its own coroutine: rebind it to ours
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class ThrottledEngine(NBClientEngine):  # type: ignore[misc]
    """papermill's nbclient engine with :class:`ThrottledExecutionManager`."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None,
                         progress_bar: bool = True, log_output: bool = False,
                         autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        """Run ``nb`` like :meth:`papermill.engines.Engine.execute_notebook`."""
        nb_man = ThrottledExecutionManager(
            nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
            autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        except BaseException:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()  # papermill writes nothing more: save what ran
            raise
        # papermill itself writes the finished notebook (or the failed one, with its error
        # cell) as soon as the engine returns: one more save here would be the same file
        nb_man.cleanup_pbar()
        nb_man.notebook_complete(force=False)
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: float | None = None,
                                 reset_code: str | None = None, **kwargs: Any) -> Any:
        """As :meth:`NBClientEngine.execute_managed_notebook`, with ``reset_code``.

        A client of a kernel it does not own (``km`` given) is closed here: nbclient leaves
        its channels open for the caller.
        """
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        client = ResettingClient(nb_man, **final_kwargs)
        client.reset_code = reset_code
        try:
            return client.execute()
        finally:
            if not client.owns_km and client.kc is not None:
                client.kc.stop_channels()


def register() -> str:
    """Register the engine with papermill (idempotent); return its name."""
    papermill_engines.register(ENGINE_NAME, ThrottledEngine)
    return ENGINE_NAME


def kernel_manager() -> Any:
    """A kernel manager whose ``python3`` kernel is this interpreter, whatever is registered.

    A ``python3`` kernelspec in the user's Jupyter folder may point at another Python; the
    notebook must run where mtcollect_nb is installed.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class _ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPython())


def shutdown(km: Any) -> None:
    """Shut a kernel down and free its ports and connection file (nothing if it is gone)."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):  # already dead: nothing to stop
        run_sync(km.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        run_sync(km.cleanup_resources)()


def _braces(path: Path) -> str:
    """Papermill formats paths with the parameters (``{x}``); escape literal braces."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()]
    return next((ln for ln in lines if ln), "")


def execute_notebook(source: Path, executed: Path, parameters: dict[str, Any],
                     timeout: float | None = None, progress: bool = False, *, km: Any = None,
                     reset_code: str | None = None) -> None:
    """Run papermill; any failure becomes one :class:`MtcollectError` line.

    ``km``: a running kernel to use (and leave running), else a new kernel of this Python,
    shut down when the notebook ends; ``reset_code`` runs silently in the kernel before the
    first cell.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    own = km is None  # nbclient shuts down only a kernel it made itself: ours is shut here
    manager = kernel_manager() if own else km
    failed: PapermillExecutionError | None = None
    try:
        # written beside the target and renamed onto it at the end (a full disk never leaves
        # a truncated notebook); a notebook whose cell failed is kept, with its traceback
        with atomic_path(Path(executed), suffix=".ipynb") as tmp:
            try:
                pm.execute_notebook(
                    _braces(source), _braces(tmp), parameters=parameters,
                    kernel_name="python3", engine_name=register(),
                    km=manager, progress_bar=progress,
                    execution_timeout=timeout, start_timeout=120,
                    extra_arguments=list(KERNEL_ARGUMENTS), reset_code=reset_code,
                )
            except PapermillExecutionError as exc:
                failed = exc
    except MtcollectError:
        raise
    except Exception as exc:  # kernel died, cell timeout, kernel did not start ...
        reason = _first_line(str(exc)) or type(exc).__name__
        raise MtcollectError(f"{executed}: {type(exc).__name__}: {reason}") from None
    finally:
        if own:
            shutdown(manager)
    if failed is not None:
        reason = (_first_line(f"{failed.ename}: {failed.evalue}") if failed.evalue
                  else failed.ename)
        raise MtcollectError(f"{executed}: cell [{failed.exec_count}] failed: {reason}")
