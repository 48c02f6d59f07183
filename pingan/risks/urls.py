"""The risk register's pages (mounted at the site root by pingan.web_urls)."""

urlpatterns: list = []
