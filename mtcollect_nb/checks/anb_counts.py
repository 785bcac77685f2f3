"""Spring ANB rules about exclusions, hours and FTE (ANB-01..08, ANB-15..21)."""
