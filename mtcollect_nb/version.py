"""The package version (one place: the CLI, the workbook and the Summary read it)."""

__version__ = "0.1.0"
