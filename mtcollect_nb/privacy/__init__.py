"""Stage 5, privacy: what keeps a student's name and ID out of everything a masked run shows.

``salt`` finds the installation's secret (never in the source, never printed), ``pseudonyms``
turns real IDs into keyed hashes with it, ``masking`` masks a run (tables, derived frames,
findings, rejected rows), ``scrub`` masks free text word by word (error messages, raw lines).

May import: ``checks``, ``compute``, ``load`` and the top-level modules. Never ``window``,
``report``, ``explore``, ``state`` or ``cli``.
"""
