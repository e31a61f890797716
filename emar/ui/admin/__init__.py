"""Administration screens: staff accounts."""
