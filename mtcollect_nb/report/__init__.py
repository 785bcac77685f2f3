"""Stage 4, report: what a district run shows: workbook, summary, figures, notebook runs.

``pipeline`` runs a district end to end without a notebook (load -> analysis -> findings ->
workbook); ``masking`` replaces PII by pseudonyms; ``sheets`` builds the data sheets,
``summary`` the Summary sheet, ``workbook`` writes findings.xlsx and the parquet tables;
``figures`` draws the district notebook's Plotly figures; ``notebook`` and
``papermill_engine`` run the notebooks, ``html_export`` writes their offline HTML pages.

May import: ``checks``, ``compute``, ``load``, ``synthetic`` and the top-level modules. Never
``explore``, ``state`` or ``cli``.
"""
