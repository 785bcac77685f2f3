"""Stage 1, load: a district's extract folder -> a typed :class:`~mtcollect_nb.load.bundle.Bundle`.

``readers`` (and ``xlsx``, ``decode`` for encodings, ``records`` for the record split) read a
file's bytes into text columns with line numbers; ``headers`` finds the file and maps its
header to the contract's names (``header_names`` reads a name against ``aliases``, the one
table of every alias; ``district_maps`` applies the parameters' ``columns:``/``values:``);
``contract`` is the input contract (tables, columns, types) and ``typed`` the typed frames
built from it; ``parse``, ``fast`` and ``column_text`` turn text into typed values,
``row_checks`` and ``rejects`` reject rows; IC's layouts are read by ``schedules`` (a day's
minutes), ``ic_attendance`` (codes, rows without minutes), ``periods`` (the period form) and
``trials``; ``scope`` checks the district and year; ``column_notes`` and ``id_notes`` write the
loader notes; ``frame_checks`` guards each loaded frame; ``loader.load_bundle`` puts it
together: used rows, rejected rows (DQ-01..03) and the read = used + rejected accounting.
``quick`` checks files and headers only (before a run) and ``suggest`` proposes ``columns:``
lines; ``write_csv`` writes a bundle back as CSV files.

May import: the top-level modules (``columns``, ``errors``, ``files``, ``params``) only.
"""
