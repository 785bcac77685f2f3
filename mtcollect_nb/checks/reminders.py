"""The bulletin's other reminders: 9th-grade date, photo opt-in, gifted (GRD, PHO, GFT)."""
