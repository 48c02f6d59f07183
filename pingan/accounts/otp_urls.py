"""The second-factor pages (动态口令), included from pingan/web_urls.py."""

from django.urls import path

from . import otp_views

urlpatterns = [
    path("accounts/otp/enrol/", otp_views.enrol, name="otp-enrol"),
    path("accounts/otp/recovery-codes/", otp_views.recovery_codes, name="otp-recovery-codes"),
    path("accounts/otp/verify/", otp_views.verify, name="otp-verify"),
]
