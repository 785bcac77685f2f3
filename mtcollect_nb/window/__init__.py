"""Stage 6, window: reruns in the collection window, what this run knows of the previous one.

``keys`` gives each finding its ``findingKey`` (the same problem, the same key, run after run),
``own_files`` reads what an earlier run left (regular files only, bounded), ``previous`` reads
the previous ``findings.xlsx`` (what the district typed, its own columns and sheets),
``history`` the one-file-per-run records of ``output_dir/history/`` (validated, in run order),
``notes`` keeps notes longer than a cell, ``carry`` carries ``reviewed``, ``note`` and own
columns forward and says what changed since the last run, ``certify`` says whether each
collection is ready to certify, ``typed`` keeps what the district typed across runs (keys of
the other kind, scrubbing, the lines to tell), ``finished`` reads it all once.

May import: ``privacy``, ``checks``, ``compute``, ``load`` and the top-level modules. Never
``report``, ``explore``, ``state`` or ``cli``.
"""
