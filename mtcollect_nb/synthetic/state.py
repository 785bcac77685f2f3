"""A synthetic state: many district bundles with Montana's size distribution, and their params.

Montana has a little over 400 districts, most of them small rural ones: here many districts
have under 300 students, a few over 5,000, and (with 20 or more districts) one near 17,000.

Example:
    >>> sizes = district_sizes(40, seed=1)
    >>> int(sizes.max()), bool((sizes < 300).sum() >= 15), bool((sizes > 5000).sum() >= 2)
    (17000, True, True)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mtcollect_nb.synthetic import names
from mtcollect_nb.synthetic.write import parameters, write_district, write_params

MIN_STUDENTS = 20
#: Districts at or above this size get the planted cases (smaller ones stay ordinary).
PLANT_FROM = 400


def district_sizes(districts: int, seed: int = 1, scale: float = 1.0) -> np.ndarray:
    """Students per district: log-normal around 150, the largest pinned, times ``scale``.

    Example:
        >>> len(district_sizes(3, seed=1, scale=0.01)), int(district_sizes(3, 1, 0.01).min())
        (3, 20)
    """
    rng = np.random.default_rng([seed, 7])
    sizes = np.exp(rng.normal(np.log(150), 1.1, districts)).clip(MIN_STUDENTS, 4500)
    order = np.argsort(-sizes, kind="stable")
    if districts >= 20:
        pinned = [17000, 8200, 5600]
        sizes[order[: len(pinned)]] = pinned
    elif districts >= 5:
        sizes[order[0]] = 5200
    return (sizes * scale).round().astype(int).clip(MIN_STUDENTS)


def _names(districts: int, rng: np.random.Generator) -> list[str]:
    towns = [names.TOWNS[i % len(names.TOWNS)]
             + ("" if i < len(names.TOWNS) else f" {i // len(names.TOWNS) + 1}")
             for i in rng.permutation(max(districts, len(names.TOWNS)))[:districts]]
    kinds = ("Public Schools", "K-12 Schools", "Public Schools", "Elementary")
    return [f"{t} {kinds[i % len(kinds)]}" for i, t in enumerate(towns)]


def write_state(out_dir: Path, *, districts: int = 40, seed: int = 1,
                scale: float = 1.0) -> Path:
    """Write ``districts`` bundles and their parameters files; return the parameters folder.

    Bundles go to ``out_dir/extracts/<number>/``, parameters to
    ``out_dir/parameters/<number>.yaml`` (extracts_dir ``../extracts/<number>``, output_dir
    ``../output/<number>``).
    """
    out = Path(out_dir)
    rng = np.random.default_rng([seed, 11])
    numbers = [f"{n:04d}" for n in np.sort(rng.choice(np.arange(1, 9999), districts,
                                                       replace=False))]
    sizes = district_sizes(districts, seed, scale)
    for i, (number, name, size) in enumerate(zip(numbers, _names(districts, rng), sizes,
                                                 strict=True)):
        write_district(out / "extracts" / number, students=int(size), seed=seed + i,
                       district_number=number, district_name=name,
                       plant=bool(size >= PLANT_FROM))
        write_params(out / "parameters" / f"{number}.yaml", parameters(
            number, name, f"../extracts/{number}", f"../output/{number}", mask_pii=False))
    return out / "parameters"
