"""Issue 20 item 2: the batch reads its workers' answers without select (sockets only on
Windows): a reader thread and a queue, with the district's deadline."""

from __future__ import annotations

import ast
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtcollect_nb.state import workers

pytestmark = pytest.mark.windows_paths

CHILD = """
import sys, time
sys.stdout.buffer.write(b'{"error": ""}\\n'); sys.stdout.flush()
time.sleep(float(sys.argv[1]))
sys.stdout.buffer.write(b'{"error": "late"}\\n'); sys.stdout.flush()
sys.stdout.buffer.write(b'partial')
"""


def no_select_on_pipes(*args: object, **kwargs: object) -> None:
    raise OSError(10038, "An operation was attempted on something that is not a socket")


def start_child(pause: str, monkeypatch: pytest.MonkeyPatch
                ) -> tuple[subprocess.Popen[bytes], workers.LineReader]:
    """A child that answers once, pauses, answers again; read as the batch reads a worker."""
    monkeypatch.setattr(select, "select", no_select_on_pipes)  # as on Windows
    proc = subprocess.Popen([sys.executable, "-c", CHILD, pause], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    reader = workers.LineReader(proc.stdout)
    assert reader.read_line(None) == b'{"error": ""}\n'
    assert reader.read_line(time.monotonic() + 0.05) is None  # the deadline passes first
    return proc, reader


@pytest.mark.slow
def test_answers_from_a_real_pipe_with_deadlines_and_eof(monkeypatch: pytest.MonkeyPatch) -> None:
    proc, reader = start_child("1.5", monkeypatch)
    assert reader.read_line(time.monotonic() + 60) == b'{"error": "late"}\n'
    assert reader.read_line(time.monotonic() + 60) == b"partial"  # the last line, unfinished
    assert reader.read_line(None) == b""
    assert reader.read_line(None) == b""
    assert proc.wait(timeout=60) == 0


@pytest.mark.slow
def test_a_killed_worker_gives_eof_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    proc, reader = start_child("600", monkeypatch)
    workers.kill_tree(proc.pid)
    proc.wait(timeout=60)
    assert reader.read_line(time.monotonic() + 60) == b""


def test_the_batch_never_calls_select() -> None:
    tree = ast.parse(Path(workers.__file__).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
             for alias in node.names}
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "select" not in names | modules
