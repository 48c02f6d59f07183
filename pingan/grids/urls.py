"""URLs of this app (filled in by its owner)."""

urlpatterns = []
