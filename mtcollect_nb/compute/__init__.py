"""Stage 2, compute: the derived frames of a district run, from a Bundle and its parameters.

``frames.Frames`` holds the tables and the frames derived straight from them (calendars and
their effective count date, enrollments on the count date, sections with their course);
``absence`` (+ ``streak_grid``) the absence streaks, ``hours`` the computed aggregate hours,
``anb`` FTE, early graduates and the ANB table, ``sections`` and ``cte`` the Teacher-Class
frames, ``forecast`` the call list before the count date and ``chronic`` chronic absence;
``joins``, ``intervals`` and ``day_keys`` are small array helpers. ``analysis.Analysis``
caches each derived frame once per run: the computation modules take the frames they need as
arguments and never import ``analysis``.

May import: ``load`` and the top-level modules. Never ``checks`` or anything above.
"""
