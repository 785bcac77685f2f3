"""Stage 8, explore: the interactive explorer and the training tour, on top of a district run.

``views`` builds the district-wide frames an analyst looks at (findings filtered, a school,
count moves), ``student`` one student's (the picker, enrollments, findings, why not counted),
``days`` one student's absence calendar around the count date, ``grid`` the findings grid,
``figures`` their Plotly figures, ``widgets`` the ipywidgets explorer, ``tour`` the training
tour's steps.

May import: ``report`` and everything below it. Never ``state`` or ``cli``.
"""
