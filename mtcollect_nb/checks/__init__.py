"""Rule modules: importing this package registers every rule in ``rules.RULES``."""

from mtcollect_nb.checks import (  # noqa: F401
    anb_counts,
    anb_exclusions,
    anb_programs,
    data_quality,
    reminders,
    teacher_class,
)
