"""The explorer in a real JupyterLab, driven by headless Chromium (Debian's, never downloaded).

Starts JupyterLab on 127.0.0.1 (a free port, a token, no browser, a bounded time) over a copy of
``notebooks/explore_findings.ipynb``, runs all cells, checks that every widget renders, picks a
student and sees the calendar. Skipped only when the browser is not installed *and* this is
not CI (``CI=true``: .ci/run installs chromium and chromium-driver, so there it must run).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtcollect_nb.report.notebook import notebooks_dir

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1400,1800")
START_SECONDS, RUN_SECONDS = 120, 420
SCREENSHOTS = os.environ.get("MTCOLLECT_SCREENSHOTS", "")  # a folder: screenshots kept there

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not (CHROMIUM.exists() and DRIVER.exists()):
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI: /usr/bin/chromium and /usr/bin/chromedriver are required "
                           "(apt-get install chromium chromium-driver)")
    pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

if os.environ.get("CI") != "true":
    pytest.importorskip("selenium", reason="selenium not installed (pip install -e '.[test]')")
from selenium import webdriver  # noqa: E402  (after the skip: CI must have it)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server over a copy of the explorer notebook; yields its base URL + token."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(notebooks_dir() / "explore_findings.ipynb", root / "explore_findings.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"),
           "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_DATA_DIR": str(root / ".data"),
           "TMPDIR": str(root)}
    env.pop("JUPYTER_PATH", None)
    log = (root / "lab.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start: "
                                       + (root / "lab.log").read_text()[-2000:]) from None
                time.sleep(1)
        yield f"{url}/lab/tree/explore_findings.ipynb?token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(what: str, test, seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = test()
        if got:
            return got
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def _shot(driver, name: str) -> None:
    if SCREENSHOTS:
        driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))


def test_explorer_runs_renders_every_widget_and_shows_a_student(lab: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = browser
    d.get(lab)
    _wait("the notebook and its kernel", lambda: d.execute_script(
        "const a = window.jupyterapp; const w = a && a.shell.currentWidget;"
        "return !!(w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.connectionStatus === 'connected');"), START_SECONDS)
    d.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells');")
    prompts = "return [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]" \
              ".map(p => p.textContent.trim());"
    _wait("every cell to run", lambda: (lambda p: p and all(
        t.startswith("[") and t not in ("[ ]:", "[*]:") for t in p))(d.execute_script(prompts)),
        RUN_SECONDS)
    _wait("the explorer tabs", lambda: d.find_elements(By.CSS_SELECTOR, ".widget-tab"), 60)
    _wait("plotly figures", lambda: d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"), 60)
    _shot(d, "explorer-findings")
    page = d.find_element(By.TAG_NAME, "body").text
    assert "Error displaying widget" not in page
    assert "Traceback" not in page and "Error" not in d.execute_script(
        "return [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="
        "\"application/vnd.jupyter.stderr\"]')].map(e => e.textContent).join(' ');")
    assert d.find_elements(By.CSS_SELECTOR, ".mtcollect-grid tbody tr")  # the findings grid
    tabs = d.find_elements(By.CSS_SELECTOR, ".widget-tab .lm-TabBar-tab")
    assert [t.text for t in tabs][:4] == ["Findings", "Student", "School", "Count moves"]
    next(t for t in tabs if t.text == "Student").click()
    panel = _wait("the Student tab", lambda: [p for p in d.find_elements(
        By.CSS_SELECTOR, ".widget-tab-contents > .widget-box") if p.is_displayed()], 30)[0]
    select = Select(panel.find_element(By.CSS_SELECTOR, "select"))
    assert len(select.options) > 1
    select.select_by_index(1)
    _wait("the student's calendar", lambda: [
        t for t in panel.find_elements(By.CSS_SELECTOR, ".js-plotly-plot .gtitle")
        if "consecutive whole-day absence" in t.text], 60)
    _shot(d, "explorer-student")
    assert "Error displaying widget" not in d.find_element(By.TAG_NAME, "body").text
