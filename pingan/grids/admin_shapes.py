"""Admin for region outlines (filled in by its owner)."""
