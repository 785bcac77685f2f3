"""Stage 4, report: what a district run shows: workbook, summary, figures, notebook runs.

``pipeline`` runs a district end to end without a notebook (load -> analysis -> findings ->
workbook); ``masking`` replaces PII by pseudonyms (``pseudonyms`` hashes IDs with the secret
from ``salt``; ``scrub`` masks free text and error messages); ``sheets`` builds the data
sheets, ``layout`` sets their widths and print setup, ``summary`` the Summary sheet,
``workbook`` writes findings.xlsx and the parquet tables; ``figures`` draws the district
notebook's Plotly figures; ``notebook`` and ``papermill_engine`` run the notebooks,
``html_export`` writes their offline HTML pages (``html``: the district report's header and
findings). Reruns in the collection window: ``keys`` (findingKey), ``previous`` (reading the
previous findings.xlsx), ``reruns`` (status, notes carried forward, *Since last run*),
``history`` + ``history_figures`` (``output_dir/history/``, one file per run), ``certify``
(ready to certify, per collection), ``reconcile`` (the Reconcile sheet).

May import: ``checks``, ``compute``, ``load``, ``synthetic`` and the top-level modules. Never
``explore``, ``state`` or ``cli``.
"""
