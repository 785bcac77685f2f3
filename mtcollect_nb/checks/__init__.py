"""Stage 3, checks: the rule registry, the rule modules, the engine that runs them.

``registry`` declares what a rule is; each rule module (``anb_*``, ``teacher_class``,
``reminders``, ``data_quality``) declares its rules with ``@rule``; ``catalog`` imports them
all; ``engine`` runs them over an :class:`~mtcollect_nb.compute.analysis.Analysis` and
collects one findings table; ``run`` holds the :class:`DistrictRun` (analysis + findings).

May import: ``load``, ``compute`` and the top-level modules (``columns``, ``errors``,
``params``). Never ``report``, ``explore``, ``state`` or ``cli``.
"""
