"""Spring Teacher-Class and CTE rules (TCH-01..04, CTE-01..04)."""
