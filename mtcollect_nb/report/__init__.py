"""Stage 7, report: what a district run shows: workbook, summary, figures, notebook runs.

``pipeline`` runs a district end to end without a notebook (load -> analysis -> findings ->
keys, masking -> the collection window -> workbook); ``sheets`` builds the data sheets,
``layout`` sets their widths and print setup, ``summary`` the Summary sheet, ``workbook``
writes findings.xlsx and the parquet tables; ``figures`` draws the district notebook's Plotly
figures, ``history_figures`` the collection window run by run; ``notebook`` and
``papermill_engine`` run the notebooks, ``html_export`` writes their offline HTML pages
(``html``: the district report's header, verdict and findings).

May import: ``window``, ``privacy``, ``checks``, ``compute``, ``load``, ``synthetic`` and the
top-level modules. Never ``explore``, ``state`` or ``cli``.
"""
