from django.urls import path

from . import views

urlpatterns = [
    path("accounts/password/", views.password_change, name="password-change"),
]
