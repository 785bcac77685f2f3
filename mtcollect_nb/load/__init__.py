"""Stage 1, load: a district's extract folder -> a typed :class:`~mtcollect_nb.load.bundle.Bundle`.

``readers`` (and ``xlsx``, ``decode`` for encodings, ``records`` for the record split) read a
file's bytes into text columns with line numbers; ``headers`` finds the file and maps its
header to the contract's names through ``aliases`` (one table of every alias); ``contract`` is
the input contract (tables, columns, types) and ``typed`` the typed frames built from it;
``parse`` and ``fast`` turn text into typed values and ``row_checks`` rejects impossible rows;
``frame_checks`` guards each loaded frame against its contract; ``id_notes``
notes odd state IDs; ``loader.load_bundle`` puts it together: used rows, rejected rows
(DQ-01..03) and the read = used + rejected accounting. ``quick`` checks files and headers only
(before a run); ``write_csv`` writes a bundle back as CSV files.

May import: the top-level modules (``columns``, ``errors``, ``files``, ``params``) only.
"""
