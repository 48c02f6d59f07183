"""URLs of this part (filled in by its owner)."""

urlpatterns = []
