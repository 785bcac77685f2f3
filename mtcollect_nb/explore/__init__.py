"""Stage 5, explore: the interactive explorer and the training tour, on top of a district run.

``views`` builds the frames an analyst looks at (a school, a student, count moves),
``student`` the one-student views, ``figures`` their Plotly figures, ``widgets`` the ipywidgets
explorer, ``tour`` the training tour's steps.

May import: ``report`` and everything below it. Never ``state`` or ``cli``.
"""
