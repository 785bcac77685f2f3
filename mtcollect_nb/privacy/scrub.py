"""Masking free text word by word: one-line error messages and raw rejected lines.

When ``mask_pii`` is on, text that may quote the data must not show a real name or ID, even
when no table could be loaded to say which words are names. Two strengths:

* **lenient** (a message of ours): an *ID-like* word (5 or more digits, not a date, not a
  line number or a size) and a *name-like* word (it starts with a capital or holds a non-ASCII
  letter, and is neither a word of our messages, rule catalog or extract contract nor an
  exception's class name) become ``[masked]``. Paths and file names stay: they say where.
* **strict** (text copied from the data: what a message lists after ``found:``, a quoted
  field, a rejected line that did not split into fields): every ID-like word and every word
  that is not a contract column or header word is masked, whatever its case.

:func:`scrub_message` masks one message; :func:`scrubbed_errors` re-raises an error with its
message scrubbed; :func:`scrub_raw` masks raw text in a column (rejected rows, DQ findings).

Example:
    >>> scrub_message("students.csv: missing column(s) personID; found: 100001, Zqxw, pena")
    'students.csv: missing column(s) personID; found: [masked], [masked], [masked]'
    >>> scrub_message("attendance.csv line 123456: Zqxw Pena (987650000) on 2025-02-07")
    'attendance.csv line 123456: [masked] [masked] ([masked]) on 2025-02-07'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache

import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.load.aliases import ALIASES
from mtcollect_nb.load.contract import TABLES

MASKED_WORD = "[masked]"
ID_DIGITS = 5
#: capitalised words and acronyms our own messages use (tests/report/test_scrub.py checks
#: that no constant text of a raised error is masked)
MESSAGE_WORDS = frozenset("""
    ABC ANB BOM CSV CTE DQ Excel GB HTML IC ID IDs Infinite Campus JSON Jupyter JupyterLab KB
    MB Montana NUL OPI Python TEAMS TSV UTF XLS XLSX YAML Windows Spring Fall Ad Hoc Format HD
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
""".split())
TOKEN = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_FOUND = "found:"
_SPECIAL = re.compile(r"""(?P<path>(?:[A-Za-z]:)?(?:[\\/][^\s,;'"()\[\]]+)+"""
                      r"""|[^\s,;'"()\[\]\\/]+\.(?:csv|tsv|txt|xlsx|xls|yaml|yml|ipynb|html"""
                      r"""|json|parquet|lock)\b)"""
                      r"""|(?<!\w)'(?P<quoted>[^'\n]*)'(?!\w)""", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2})?")
_PSEUDONYM = re.compile(r"[SLT]-[0-9A-F]{12}")
_COUNTED_BEFORE = re.compile(r"\b(?:lines?|rows?|cells?)\s+$", re.IGNORECASE)
_UNIT_AFTER = re.compile(r"\s*(?:bytes|rows|lines|fields|cells|characters|seconds|[KMG]B)\b")
_EXCEPTION = re.compile(r"[A-Z]\w*(?:Error|Exception|Warning|Exit|Interrupt)")


@lru_cache(maxsize=1)
def header_words() -> frozenset[str]:
    """Lower-case words of every contract table, column and header alias (never PII).

    Example:
        >>> {"personid", "state", "student", "students"} <= header_words()
        True
    """
    names: list[str] = list(TABLES)
    for table in TABLES.values():
        names.extend(c.name for c in table.columns)
    for columns in ALIASES.values():
        for column, alts in columns.items():
            names.append(column)
            names.extend(alts)
    return frozenset(w.lower() for n in names for w in TOKEN.findall(n))


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Lower-case words that are ours: header words, the rule catalog, our message words."""
    catalog = " ".join(f"{r.title} {r.remedy} {r.collection}" for r in all_rules().values())
    ours = {w.lower() for w in TOKEN.findall(catalog)} | {w.lower() for w in MESSAGE_WORDS}
    return header_words() | frozenset(ours) | {"more", "nothing"}


def _id_like(word: str, text: str, start: int, end: int) -> bool:
    if sum(ch.isdigit() for ch in word) < ID_DIGITS or _DATE.fullmatch(word):
        return False
    counted = _COUNTED_BEFORE.search(text[max(0, start - 8):start])
    return not (word.isdigit() and (counted or _UNIT_AFTER.match(text, end)))


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    """``word`` (or each lettered part of a hyphenated word, as ``UTF-8``) is in ``vocabulary``."""
    parts = [p for p in word.lower().split("-") if any(ch.isalpha() for ch in p)]
    return word.lower() in vocabulary or bool(parts) and all(p in vocabulary for p in parts)


def _mask_word(m: re.Match[str], strict: bool, repl: Mapping[str, str]) -> str:
    word = m.group(0)
    if word in repl:
        return repl[word]
    if _PSEUDONYM.fullmatch(word):
        return word
    if _id_like(word, m.string, m.start(), m.end()):
        return MASKED_WORD
    if not any(ch.isalpha() for ch in word) or word == MASKED_WORD.strip("[]"):
        return word
    if strict:
        return word if _known(word, header_words()) else MASKED_WORD
    name_like = word[0].isupper() or any(ch.isalpha() and not ch.isascii() for ch in word)
    if not name_like or _known(word, known_words()) or _EXCEPTION.fullmatch(word):
        return word
    return MASKED_WORD


def _words(text: str, strict: bool, repl: Mapping[str, str]) -> str:
    return TOKEN.sub(lambda m: _mask_word(m, strict, repl), text)


def _part(text: str, strict: bool) -> str:
    """Scrub ``text``, keeping paths (unless strict) and scrubbing quoted fields strictly."""
    out, at = [], 0
    for m in _SPECIAL.finditer(text):
        out.append(_words(text[at:m.start()], strict, {}))
        if m.group("quoted") is not None:
            out.append("'" + _words(m.group("quoted"), True, {}) + "'")
        else:
            out.append(_words(m.group(0), True, {}) if strict else m.group(0))
        at = m.end()
    out.append(_words(text[at:], strict, {}))
    return "".join(out)


def scrub_message(text: str, enabled: bool = True) -> str:
    """``text`` with ID-like and name-like words masked (see the module docstring).

    ``enabled`` is the run's ``mask_pii``: when false the text comes back unchanged.

    Example:
        >>> scrub_message("x.csv: column 'Peña' appears twice", enabled=False)
        "x.csv: column 'Peña' appears twice"
        >>> scrub_message("/d/0001/x.csv: column 'Peña' appears twice; ValueError")
        "/d/0001/x.csv: column '[masked]' appears twice; ValueError"
    """
    if not enabled or not text:
        return text
    head, sep, tail = text.partition(_FOUND)
    return _part(head, False) + sep + (_part(tail, True) if sep else "")


def scrub_raw(values: pd.Series, replacements: Mapping[str, str] | None = None) -> pd.Series:
    """Strictly masked raw text; a word in ``replacements`` (a real ID) becomes its pseudonym.

    Example:
        >>> scrub_raw(pd.Series(["70001,012345678,Zqxw,pena,2010-05-01,07"]),
        ...           {"70001": "4412"}).tolist()
        ['4412,[masked],[masked],[masked],2010-05-01,07']
    """
    repl = dict(replacements or {})
    text = values.fillna("").astype(str)
    return text.str.replace(TOKEN, lambda m: _mask_word(m, True, repl), regex=True)


@contextmanager
def scrubbed_errors(enabled: bool) -> Iterator[None]:
    """Re-raise an error of the block with its message scrubbed, when ``enabled``.

    The error keeps its type (so the command line still tells known problems from
    unexpected ones) and loses its chained original, which holds the raw text.

    Example:
        >>> from mtcollect_nb.errors import ExtractError
        >>> try:
        ...     with scrubbed_errors(True):
        ...         raise ExtractError("s.csv: found: 987650000, Zqxw")
        ... except ExtractError as err:
        ...     print(err)
        s.csv: found: [masked], [masked]
    """
    try:
        yield
    except Exception as exc:
        text = str(exc) if exc.args else ""
        clean = scrub_message(text, enabled)
        if clean == text:
            raise
        raise _same_kind(exc, clean) from None


def _same_kind(exc: Exception, message: str) -> Exception:
    """An exception of ``exc``'s type holding ``message`` (a plain one if the type refuses)."""
    try:
        new = type(exc)(message)
    except Exception:  # a type whose constructor wants other arguments
        new = None
    if new is None or str(new) != message:  # KeyError quotes its message
        base = MtcollectError if isinstance(exc, MtcollectError) else RuntimeError
        new = base(f"{type(exc).__name__}: {message}")
    return new
