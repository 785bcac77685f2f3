"""Stage 8, state: every district at once: the batch run, the statewide rollup, suppression.

``batch`` runs every district's notebook, N at a time, each worker process (``workers``)
keeping one warm kernel for district after district (``warm_kernel``); ``batch_io`` reads
and writes its results and summary; ``rollup`` combines the districts' tables, ``suppression``
hides small counts, ``figures`` draws the statewide figures; ``lock`` keeps a second batch out
of an output root.

May import: ``report`` and everything below it. Never ``explore`` or ``cli``.
"""
