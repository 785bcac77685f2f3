"""Synthetic Infinite Campus extract bundles: one district, the demo, or a whole state.

Realistic, deterministic (same seed, same bytes) districts for demos, tests, training and
benchmarks: schools, a 2024-25 calendar, students and enrollments, exception-only attendance,
secondary schedules, and (``plant=True``) at least one planted case per rule.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> out = write_district(Path(tempfile.mkdtemp()) / "x", students=40, seed=5, plant=False)
    >>> (out / "students.csv").exists()
    True
"""

from mtcollect_nb.synthetic.plant import NEAR_MISSES, PLANTED
from mtcollect_nb.synthetic.state import district_sizes, write_state
from mtcollect_nb.synthetic.write import (
    build_district,
    planted_cases,
    write_demo,
    write_district,
)

__all__ = [
    "NEAR_MISSES",
    "PLANTED",
    "build_district",
    "district_sizes",
    "planted_cases",
    "write_demo",
    "write_district",
    "write_state",
]
