"""A papermill engine that saves the executed notebook at most once a second.

papermill's default engine rewrites (and re-validates) the whole output notebook twice per
cell, before and after it runs: for the district notebook that is about 60 writes of a growing
file, over a second of the run. :class:`ThrottledEngine` keeps papermill's behaviour (the same
kernel client, metadata and error handling; papermill itself writes the final notebook, also
when a cell fails) and only skips intermediate saves that come less than
:data:`SAVE_EVERY_S` seconds after the previous one, so a running or killed notebook on disk is
never more than about a second behind.

Example:
    >>> import papermill.engines as pe
    >>> register() in pe.papermill_engines._engines and ENGINE_NAME == register()
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

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

    def notebook_complete(self, **kwargs: Any) -> None:
        """Finish as papermill does and write the final state."""
        with self._forced():
            super().notebook_complete(**kwargs)


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
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); return its name."""
    papermill_engines.register(ENGINE_NAME, ThrottledEngine)
    return ENGINE_NAME
