"""What the command line checks before any work, and what it prints after a district run.

``precheck`` (parameters, output folder, every extract's header) runs before a kernel starts,
so a missing file or column is one line in about a second; ``report_outputs`` prints where the
outputs are, the law applied, the ready-to-certify verdict and one closing line of counts.

Example:
    >>> import tempfile
    >>> writable_folder(Path(tempfile.mkdtemp()))
"""

from __future__ import annotations

from pathlib import Path

from mtcollect_nb.errors import ExtractError, MtcollectError


def report_outputs(notebook: Path) -> None:
    """Where the outputs are, the law applied, the verdict, and one closing line of counts."""
    import json

    from mtcollect_nb.window.certify import read_verdict

    out = notebook.parent
    print(f"findings workbook: {out / 'findings.xlsx'}")
    print(f"report (HTML):     {out / 'district_validation.html'}")
    print(f"executed notebook: {notebook}")
    summary = out / "summary.json"
    if not summary.is_file():
        return
    s = json.loads(summary.read_text(encoding="utf-8"))
    ready, verdict = read_verdict(out)
    if s.get("law"):
        print(f"law applied:       {s['law']}")
    print(f"ready to certify:  {verdict}")
    n = s.get("status", {})
    print(f"done: {n.get('errors', 0)} errors, {n.get('warnings', 0)} warnings, "
          f"{n.get('info', 0)} info; {'ready' if ready else 'not ready'} to certify; "
          f"outputs in {out}")


def writable_folder(path: Path, what: str = "output folder") -> None:
    """MtcollectError unless ``path`` is (or can be made) a folder we can write into."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise MtcollectError(f"{path}: the {what} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path, prefix=".mtcollect-write-test-"):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise MtcollectError(f"{path}: the {what} cannot be written ({reason})") from None


def expect_file(path: Path, what: str, instead: str) -> None:
    """One line when ``path`` is a folder where a file is expected (``instead``: what to do)."""
    if path.is_dir():
        raise MtcollectError(f"{path}: is a folder, not a {what} ({instead})")


def expect_folder(path: Path, what: str, instead: str) -> None:
    """One line when ``path`` is a file where a folder is expected (``instead``: what to do)."""
    if path.is_file():
        raise MtcollectError(f"{path}: is a file, not a {what} ({instead})")


def precheck(params_path: Path) -> None:
    """Before a kernel starts: the parameters, the output folder, every file and header."""
    from mtcollect_nb.load.quick import check_headers
    from mtcollect_nb.params import load_params
    from mtcollect_nb.privacy.scrub import scrubbed_errors

    expect_file(params_path, "parameters file",
                 "for a folder of parameters files use: mtcollect batch DIR")
    params = load_params(params_path)
    extracts = Path(params.extracts_dir)
    if not extracts.exists():  # (the same line as the notebook runner's)
        raise ExtractError(f"{params_path}: extracts_dir not found: {extracts}")
    writable_folder(Path(params.output_dir))
    with scrubbed_errors(params.mask_pii):  # a header line quoting data is masked too
        check_headers(extracts)
