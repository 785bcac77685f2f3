"""Spring ANB rules about residency and programs (ANB-09..14, ANB-22)."""
