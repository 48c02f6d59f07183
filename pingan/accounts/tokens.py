"""API tokens (django-rest-knox): how a request is authenticated by one, how the schema documents it, and
the rule that a password change revokes every token of its user, whichever path changed it (a form, the
back office, a management command): the change is seen as a new password hash on User.save."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.signals import token_expired

from .models import ApiToken, User


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication (`Authorization: Token <token>`; the digest compared in constant time), with
    one change: only the token presented is checked for expiry (and deleted when expired). knox also sweeps
    the user's other tokens on every request, a query per call; they are swept when a token is issued
    (services.api_token_issue) and when the user lists them."""

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pingan.accounts.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


@receiver(post_init, sender=User)
def _remember_password(sender: type[User], instance: User, **kwargs: Any) -> None:
    instance._loaded_password = instance.password  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def _revoke_tokens_on_password_change(
    sender: type[User], instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    loaded = getattr(instance, "_loaded_password", None)
    instance._loaded_password = instance.password  # type: ignore[attr-defined]
    if created or (update_fields is not None and "password" not in update_fields) or loaded == instance.password:
        return
    # Imported here: DRF loads this module (the authentication class) while services are still importing.
    from .services import api_tokens_revoke_all

    api_tokens_revoke_all(user=instance, actor=None, reason=_("密码已修改"))
