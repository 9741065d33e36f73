"""Sun and Earth seen from the lunar surface: ephemeris, lunar frame, sky positions."""
