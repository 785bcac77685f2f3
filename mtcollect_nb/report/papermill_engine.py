"""A papermill engine that saves the executed notebook at most once a second.

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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "mtcollect"
SAVE_EVERY_S = 1.0


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
