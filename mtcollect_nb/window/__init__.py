"""Stage 6, window: reruns in the collection window, what this run knows of the previous one.

``keys`` gives each finding its ``findingKey`` (the same problem, the same key, run after run),
``previous`` reads the previous ``findings.xlsx`` (what the district typed), ``history`` the
one-file-per-run records of ``output_dir/history/``, ``carry`` carries ``reviewed`` and ``note``
forward and says what changed since the last run, ``certify`` says whether each collection is
ready to certify.

May import: ``privacy``, ``checks``, ``compute``, ``load`` and the top-level modules. Never
``report``, ``explore``, ``state`` or ``cli``.
"""
