"""Issue 15 item 17: one batch per output root; the second gets one line; a crash frees it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.state.lock import lock_path, output_lock

HOLDER = """
import sys, time
from pathlib import Path
from mtcollect_nb.state.lock import output_lock
with output_lock(Path(sys.argv[1]), "mtcollect batch"):
    print("locked", flush=True)
    sys.stdin.readline()  # hold until told (or killed)
print("released", flush=True)
"""


def start_holder(root: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.slow
def test_second_process_gets_one_line_naming_the_folder_and_holder(tmp_path: Path) -> None:
    holder = start_holder(tmp_path)
    try:
        with pytest.raises(MtcollectError) as info, output_lock(tmp_path):
            pytest.fail("the lock was taken twice")
        text = str(info.value)
        assert "\n" not in text and text.startswith(f"{tmp_path}: another mtcollect batch")
        assert f"process {holder.pid} " in text and str(lock_path(tmp_path)) in text
    finally:
        assert holder.stdin is not None
        out, _ = holder.communicate("\n", timeout=60)
    assert out.strip() == "released" and holder.returncode == 0
    with output_lock(tmp_path) as path:  # released on a normal exit
        assert path == lock_path(tmp_path)


@pytest.mark.slow
def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    holder = start_holder(tmp_path)
    holder.send_signal(signal.SIGKILL)  # a crash: no finally block runs
    holder.wait(timeout=60)
    assert lock_path(tmp_path).exists()  # the stale file is left, and does not block
    with output_lock(tmp_path):
        assert "process" in lock_path(tmp_path).read_text()


def test_released_after_an_error_in_the_block(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), output_lock(tmp_path):
        raise RuntimeError("district crashed")
    with output_lock(tmp_path):
        pass


def test_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.write_text("not a folder")
    with pytest.raises(MtcollectError, match=r"\.mtcollect\.lock: cannot create the lock file"):
        with output_lock(root):
            pass
