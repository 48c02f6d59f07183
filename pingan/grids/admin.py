"""Admin of grid governance: outlines (admin_shapes, GEO) and people, rosters, patrols (admin_people)."""

from . import admin_people, admin_shapes  # noqa: F401
