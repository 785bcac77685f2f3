"""The ``mtcollect`` command line (spec/outputs.md).

Exit status: 0 on success (findings are not failures); 2 with one line
``mtcollect: error: <message>`` when the run cannot go on (bad parameters, missing file or
folder, failed notebook); 1 with one line for an unexpected error (``--debug`` shows the
traceback); the batch's own status for ``batch``.

Example:
    >>> main(["run", "does-not-exist.yaml"])
    2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.outputs import FALL_COUNT_CSV, FINDINGS_XLSX, read_summary
from mtcollect_nb.preflight import expect_folder, precheck, writable_folder
from mtcollect_nb.privacy.salt import check_salt
from mtcollect_nb.season import SEASONS, SPRING
from mtcollect_nb.state.batch import DEFAULT_TIMEOUT
from mtcollect_nb.version import __version__

EXIT_OK, EXIT_UNEXPECTED, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_DEMO_DIR = "mtcollect-demo"
SEASON_CHOICES = tuple(SEASONS)  # collection_season: spring, fall


def report_outputs(notebook: Path) -> None:
    """Where the outputs are, the law applied, the verdict, and one closing line of counts."""
    out = notebook.parent
    print(f"findings workbook: {out / FINDINGS_XLSX}")
    print(f"report (HTML):     {notebook.with_suffix('.html')}")
    print(f"executed notebook: {notebook}")
    s = read_summary(out)
    if s is None:
        return
    if s.collections:
        print(f"collections:       {s.collections}")
    is_fall_count = not SEASONS.get(s.season, SPRING).reads_fall_count  # a fall run's
    if is_fall_count and (out / FALL_COUNT_CSV).is_file():
        print(f"fall count (CSV):  {out / FALL_COUNT_CSV}  (the spring run reads it)")
    elif is_fall_count and s.pii_masked:
        print("fall count (CSV):  not written: mask_pii is on and the spring run needs the "
              "students' real state IDs (run the fall collection with mask_pii: false)")
    if s.law:
        print(f"law applied:       {s.law}")
    from mtcollect_nb.window.certify import closing_line

    print(f"findings:          {s.errors or 0} errors, {s.warnings or 0} warnings, "
          f"{s.info or 0} info")
    if s.call_list_line:  # a forecast run (as_of): who would be lost by the count date
        print(s.call_list_line)
    print(f"ready to certify:  {s.verdict_line}")
    for line in s.window_lines:  # what the previous run left that could not be carried
        print(f"previous run:      {line}")
    print(f"notes carried {s.notes_carried or 0}, fixed {s.fixed_findings or 0}, "
          f"new {s.new_findings or 0}")
    print(f"done: {closing_line(s.verdicts, s.errors_outside)}; outputs in {out}")


def cmd_check_extracts(args: argparse.Namespace) -> int:
    """Read an extract folder (or a parameters file's) and report what a run would make of it."""
    from mtcollect_nb.report.check_extracts import check_extracts, format_check

    target = Path(args.folder)
    if target.is_file() and target.suffix.lower() not in (".yaml", ".yml"):
        expect_folder(target, "folder or parameters file (.yaml)",
                      "give the folder that holds the extract files, or the parameters file")
    result = check_extracts(target)
    for line in format_check(result):
        print(line)
    if result.error is not None:
        raise MtcollectError(result.error)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the synthetic demo district and run the district notebook on it."""
    from mtcollect_nb.report.notebook import run_district_notebook
    from mtcollect_nb.synthetic import write_demo

    writable_folder(Path(args.out), "demo folder")
    check_salt()  # before a kernel starts (preflight.py)
    params_path = write_demo(Path(args.out), **_given(args, "seed", "season"))
    print(f"demo district written: {params_path}")
    report_outputs(run_district_notebook(params_path, timeout=args.timeout, progress=True))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Run the district notebook for one parameters file (``--as-of``: a forecast run)."""
    from mtcollect_nb.params import load_params
    from mtcollect_nb.report.notebook import run_district_notebook
    from mtcollect_nb.state.lock import output_lock

    params = Path(args.params)
    overrides = {"collection_season": args.season, "as_of": args.as_of}
    if not params.exists():  # the notebook runner's own message
        report_outputs(run_district_notebook(args.params, timeout=args.timeout, progress=True,
                                             overrides=overrides))
        return EXIT_OK
    precheck(params, **overrides)
    out = Path(load_params(params).output_dir)
    with output_lock(out, "mtcollect run"):  # two runs into one folder would interleave
        notebook = run_district_notebook(args.params, timeout=args.timeout, progress=True,
                                         overrides=overrides)
    report_outputs(notebook)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    """Run every district of a parameters folder."""
    from mtcollect_nb.load.headers import printable
    from mtcollect_nb.state.batch import run_batch

    params_dir = Path(args.params_dir)
    expect_folder(params_dir, "folder of parameters files",
                   "for one parameters file use: mtcollect run FILE")
    if not params_dir.is_dir():
        raise MtcollectError(f"{params_dir}: parameters folder not found")
    check_salt()  # one line before any worker starts (preflight.py)
    summary = run_batch(params_dir, workers=args.workers, force=args.force,
                        timeout=args.timeout, plotly_js=args.plotly_js)
    rows = summary.rows
    counts = rows["status"].value_counts()
    print(", ".join(f"{k}: {int(counts.get(k, 0))}" for k in ("ok", "failed", "skipped")))
    failed = rows.loc[rows["status"] == "failed"]
    for district, name, message in zip(failed["district"], failed["name"], failed["message"],
                                       strict=True):  # one line per failed district
        print(f"failed: {district} {name}: {printable(str(message), 300)}", file=sys.stderr)
    if len(rows) and int(counts.get("skipped", 0)) == len(rows):
        print("every district was skipped: its outputs are newer than its inputs "
              "(mtcollect batch --force reruns them)")
    print(f"batch summary: {summary.path_xlsx}")
    if summary.rollup is not None:
        print(f"statewide rollup: {summary.rollup.with_suffix('.html')}")
    if summary.rollup_error:
        print(f"statewide rollup failed: {summary.rollup_error}", file=sys.stderr)
    return int(summary.exit_code)


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy the explorer, the training tour and the district notebook for JupyterLab."""
    import importlib.util

    from mtcollect_nb.report.notebook import copy_notebooks

    for path, copied in copy_notebooks(Path(args.folder), force=args.force):
        print(f"{'copied' if copied else 'kept (already there; --force replaces it)'}: {path}")
    lab = all(importlib.util.find_spec(m) for m in ("jupyterlab", "ipywidgets"))
    print(f"next: jupyter lab {args.folder}" if lab else
          'next: pip install "mtcollect-nb[lab]" (JupyterLab and the explorer\'s widgets), '
          f"then: jupyter lab {args.folder}")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    """Write one synthetic district's extract bundle."""
    from mtcollect_nb.synthetic import write_district

    writable_folder(Path(args.out), "extracts folder")
    write_district(Path(args.out), **_given(args, "students", "seed", "layout"))
    print(f"synthetic district written: {Path(args.out)}")
    return EXIT_OK


def cmd_synth_state(args: argparse.Namespace) -> int:
    """Write a synthetic state: many districts and one parameters file each."""
    from mtcollect_nb.synthetic import write_state

    writable_folder(Path(args.out), "state folder")
    params_dir = write_state(Path(args.out), **_given(args, "districts", "seed", "scale"))
    print(f"parameters folder: {params_dir}  (next: mtcollect batch {params_dir})")
    return EXIT_OK


def _given(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The options the user gave (the generator's own defaults apply to the others)."""
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            "a date written year-month-day, e.g. 2027-01-25") from None


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def cmd_rules(args: argparse.Namespace) -> int:
    """Print the rule catalog: id, severity, collection, what it finds (and the remedy).

    ``--season fall``: the rules named for the fall collections; a rule that is not part of
    that season's collections (ANB-17..19: spring only) is marked so.
    """
    from mtcollect_nb.checks.catalog import all_rules, rules_table
    from mtcollect_nb.load.headers import printable

    season = SEASONS[args.season or "spring"]
    outside = {rid for rid, r in all_rules(season).items() if season.name not in r.seasons}
    table = rules_table(season)
    if args.collection:
        table = table.loc[table["collection"].str.contains(args.collection, case=False,
                                                           regex=False)]
        if table.empty:
            known = ", ".join(sorted(rules_table(season)["collection"].unique()))
            raise MtcollectError(f"unknown collection {printable(args.collection, 60)!r} "
                                 f"(known: {known})")
    for r in table.to_dict("records"):
        mark = (f"  [{'/'.join(all_rules(season)[r['ruleId']].seasons)} only: not part of "
                f"the {season.name} collection]" if r["ruleId"] in outside else "")
        print(f"{r['ruleId']:7} {r['severity']:8} {r['collection']:21} {r['title']}{mark}")
        if args.remedies:
            print(f"{'':38}fix: {r['remedy']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per job).

    Example:
        >>> build_parser().parse_args(["synth", "--out", "x", "--students", "40"]).students
        40
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when something goes wrong")
    parser = argparse.ArgumentParser(
        prog="mtcollect", parents=[common],
        description="Check Infinite Campus extracts before Montana's ANB and Teacher-Class "
                    "collections (spring or fall) are certified.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str,
            ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, parents=[common])
        p.set_defaults(func=fn)
        return p

    timeout_help = "seconds any one notebook cell may run (default: no limit)"
    season_help = ("the collections checked: spring (Spring ANB and Teacher-Class, February) "
                   "or fall (Fall ANB and Teacher-Class, October)")
    p = add("demo", cmd_demo, "write the synthetic demo district and run the notebook on it")
    p.add_argument("--out", default=DEFAULT_DEMO_DIR, metavar="DIR",
                   help=f"folder for the demo (default: ./{DEFAULT_DEMO_DIR})")
    p.add_argument("--seed", type=int, metavar="S",
                   help="random seed (default: the documented demo district)")
    p.add_argument("--season", choices=SEASON_CHOICES,
                   help=season_help + " (fall: outputs in output/fall)")
    p.add_argument("--timeout", type=_seconds, metavar="S", help=timeout_help)

    p = add("run", cmd_run, "run the district notebook for one parameters file")
    p.add_argument("params", metavar="PARAMS.yaml", help="the district's parameters file")
    p.add_argument("--season", choices=SEASON_CHOICES,
                   help=season_help + " for this run, over the file's collection_season "
                        "(fall: outputs in OUTPUT_DIR/fall)")
    p.add_argument("--timeout", type=_seconds, metavar="S", help=timeout_help)
    p.add_argument("--as-of", type=_date, metavar="DATE",
                   help="a forecast before the count date: attendance known up to DATE "
                        "(YYYY-MM-DD); the call list of students about to be excluded "
                        "(replaces the parameters file's as_of)")

    p = add("check-extracts", cmd_check_extracts,
            "read an extract folder and report files, headers and rows (no notebook)")
    p.add_argument("folder", metavar="DIR|PARAMS.yaml",
                   help="the district's extract folder, or its parameters file (then its "
                        "columns:/values: maps, district and school year apply)")

    p = add("batch", cmd_batch, "run every district of a parameters folder")
    p.add_argument("params_dir", metavar="PARAMS_DIR", help="folder of parameters files")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="districts run at once (default: number of CPUs)")
    p.add_argument("--force", action="store_true",
                   help="re-run districts whose outputs are newer than their inputs")
    p.add_argument("--timeout", type=_seconds, metavar="S",
                   help="seconds one district may run before it is stopped "
                        f"(default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--plotly-js", choices=("shared", "embedded"), default="shared",
                   help="district pages load one plotly.js under the output root (shared, "
                        "default) or each embeds its own (embedded: self-contained, +4.6 MB)")

    p = add("notebooks", cmd_notebooks,
            "copy the explorer, training tour and district notebooks into a folder for "
            "JupyterLab (each runs on the synthetic demo district as stored)")
    p.add_argument("folder", metavar="DIR", help="the folder to copy them into")
    p.add_argument("--force", action="store_true",
                   help="replace notebooks already in DIR (default: keep them)")

    p = add("synth", cmd_synth, "write a synthetic district extract bundle")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the extract files")
    p.add_argument("--students", type=_positive, metavar="N",
                   help="number of students (default: as the demo district)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (default: the demo's)")
    p.add_argument("--layout", choices=("contract", "ic"),
                   help="contract (default): the contract's own layout; ic: as Infinite Campus "
                        "writes it (period schedules, period attendance with codes, IC's names)")

    p = add("synth-state", cmd_synth_state,
            "write synthetic districts and a parameters folder for batch runs")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the state")
    p.add_argument("--districts", type=_positive, metavar="N",
                   help="number of districts (default: the generator's)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (default: the generator's)")
    p.add_argument("--scale", type=float, metavar="X",
                   help="multiply every district's size (default: 1)")

    p = add("rules", cmd_rules, "list every check: id, severity, collection and what it finds")
    p.add_argument("--remedies", action="store_true",
                   help="also print where in Infinite Campus each finding is fixed")
    p.add_argument("--collection", metavar="TEXT",
                   help="only the rules of a collection (e.g. 'Teacher-Class')")
    p.add_argument("--season", choices=SEASON_CHOICES,
                   help=season_help + ": the collections' names, and the rules not part of it")
    return parser


def _error(message: str) -> None:
    from mtcollect_nb.load.headers import printable

    first = next((ln.strip() for ln in str(message).splitlines() if ln.strip()), "")
    print(f"mtcollect: error: {printable(first, 2000)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mtcollect``; returns the exit status."""
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return int(args.func(args))
    except MtcollectError as exc:
        if debug:
            traceback.print_exc()
        _error(str(exc))
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # keep Python's exit flush quiet
        return 0
    except Exception as exc:  # the CLI never shows a traceback unasked
        if debug:
            traceback.print_exc()
        reason = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
        _error(f"unexpected {type(exc).__name__}: {reason} (run with --debug for details)")
        return EXIT_UNEXPECTED
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
