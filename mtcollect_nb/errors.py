"""Exceptions for "cannot run"; data problems become findings, never exceptions."""

from __future__ import annotations


class MtcollectError(Exception):
    """Base class: the run cannot go on. ``str(err)`` is the one-line message for the user."""


class ParameterError(MtcollectError):
    """A parameters file is missing, unreadable, or has a bad key or value."""


class ExtractError(MtcollectError):
    """A required extract file or column is missing, or a file cannot be read at all."""


class RuleDefinitionError(MtcollectError):
    """A rule is declared wrongly (duplicate id, unknown table): a programming error."""
