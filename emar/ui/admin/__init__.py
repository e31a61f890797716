"""Administration windows: the home's settings and staff accounts."""
