"""Issue 20 item 1: a real package. The wheel holds the notebooks (from the top-level
notebooks/, one source of truth), and the wheel installed in a fresh venv runs the demo from a
folder outside the checkout; `mtcollect notebooks DIR` copies the JupyterLab notebooks.

The full check with a core-only install from the package registry is a step of .ci/run; here
the fresh venv takes the wheel itself and borrows this environment's dependencies (a .pth to
its site-packages, which comes after the venv's own), so no download is needed.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from mtcollect_nb import cli
from mtcollect_nb.report import notebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT),
                    "-w", str(out)], check=True, timeout=600)
    [whl] = out.glob("mtcollect_nb-*.whl")
    return whl


@pytest.mark.slow
def test_the_wheel_ships_every_notebook_of_the_repository(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name: n for n in names if n.startswith("mtcollect_nb/notebooks/")}
    assert sorted(shipped) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert {f"{name}.ipynb" for name in notebook.NOTEBOOKS} == set(shipped)
    with zipfile.ZipFile(wheel) as z:  # the same bytes: one source of truth
        for name, member in shipped.items():
            assert z.read(member) == (ROOT / "notebooks" / name).read_bytes()
    assert "mtcollect_nb/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "notebooks/"))]


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_installed_wheel_runs_the_demo_from_another_folder(wheel: Path,
                                                               tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    # the wheel itself, unpacked as pip installs it; the dependencies borrowed (see module doc)
    zipfile.ZipFile(wheel).extractall(purelib)
    borrowed = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (purelib / "zz-borrowed-deps.pth").write_text("\n".join(dict.fromkeys(borrowed)) + "\n")
    elsewhere = tmp_path / "a clerk's folder"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # nbconvert's templates are data files of the borrowed environment's prefix
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    code = "import mtcollect_nb; print(mtcollect_nb.__file__)"
    where = subprocess.run([str(python), "-c", code], cwd=elsewhere, env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(purelib), where  # the wheel's copy, not the checkout
    run = subprocess.run([str(python), "-m", "mtcollect_nb.cli", "demo", "--out", "demo"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    out = elsewhere / "demo" / "output"
    assert (out / "findings.xlsx").is_file() and (out / "district_validation.html").is_file()
    assert "ready to certify" in run.stdout
    executed = json.loads((out / "district_validation.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["input_path"].startswith(str(purelib))


def test_notebooks_dir_prefers_the_package_copy(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "mtcollect_nb"
    (package / "report").mkdir(parents=True)
    (package / "notebooks").mkdir()
    monkeypatch.setattr(notebook, "__file__", str(package / "report" / "notebook.py"))
    assert notebook.notebooks_dir() == package / "notebooks"
    (package / "notebooks").rmdir()  # a checkout: the top-level folder
    assert notebook.notebooks_dir() == tmp_path / "site-packages" / "notebooks"


def test_mtcollect_notebooks_copies_three_and_keeps_existing_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "lab"
    assert cli.main(["notebooks", str(folder)]) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["district_validation.ipynb", "explore_findings.ipynb",
                     "training_tour.ipynb"]
    for name in names:
        assert (folder / name).read_bytes() == (notebook.notebooks_dir() / name).read_bytes()
    assert "jupyter lab" in capsys.readouterr().out
    mine = folder / "explore_findings.ipynb"
    mine.write_text("the analyst's own edits", encoding="utf-8")
    assert cli.main(["notebooks", str(folder)]) == 0
    assert mine.read_text(encoding="utf-8") == "the analyst's own edits"
    assert f"kept (already there; --force replaces it): {mine}" in capsys.readouterr().out
    assert cli.main(["notebooks", str(folder), "--force"]) == 0
    assert mine.read_bytes() == (notebook.notebooks_dir() / mine.name).read_bytes()


def test_mtcollect_notebooks_into_a_file_is_one_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("")
    assert cli.main(["notebooks", str(target)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "is a file, not a folder" in err
