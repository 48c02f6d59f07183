"""Admin for grid people, rosters and patrols (filled in by its owner)."""
