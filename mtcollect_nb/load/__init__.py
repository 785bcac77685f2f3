"""Stage 1, load: a district's extract folder -> a typed :class:`~mtcollect_nb.load.bundle.Bundle`.

``readers`` (and ``xlsx``) read a file's bytes into text columns with line numbers; ``headers``
finds the file and maps its header to the contract's names; ``schemas`` is the contract
(tables, columns, types); ``parse`` and ``fast`` turn text into typed values; ``contracts``
checks the typed frames; ``id_notes`` notes odd state IDs; ``loader.load_bundle`` puts it
together: used rows, rejected rows (DQ-01..03) and the read = used + rejected accounting.

May import: the top-level modules (``columns``, ``errors``, ``files``, ``params``) only.
"""
