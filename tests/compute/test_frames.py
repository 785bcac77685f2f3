"""Frames: enrollments of a state-excluded grade level (grade_levels.csv) are not counted."""

from mtcollect_nb.testing import enrollment, make_analysis, student


def test_state_excluded_grade_level_is_not_on_the_count_date():
    a = make_analysis(students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1, grade="PK"), enrollment(20, 2)],
                      grade_levels=[{"calendarID": 1, "grade": "PK", "stateExclude": True},
                                    {"calendarID": 1, "grade": "06", "stateExclude": False}])
    e = a.enrollments.set_index("enrollmentID")
    assert e["onCountDate"].to_dict() == {10: False, 20: True}
    assert e["gradeExcluded"].to_dict() == {10: True, 20: False}
    assert a.fte["enrollmentID"].tolist() == [20]


def test_without_grade_levels_every_grade_counts():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1, grade="PK")])
    assert a.enrollments["onCountDate"].tolist() == [True]
