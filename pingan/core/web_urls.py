from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    # Django's LogoutView accepts POST only: the navigation bar signs out with a small form.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
