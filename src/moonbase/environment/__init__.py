"""Per-site environment: horizons, solar disc visibility, Earth in view, events."""
