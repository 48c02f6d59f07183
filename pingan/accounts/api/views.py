"""Signing in to the API: a token per client (django-rest-knox, accounts.tokens), behind the same lockout
as the web login (django-axes, accounts.lockout)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, user_logged_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pingan.accounts.access import signed_in_user
from pingan.core.api import error_responses
from pingan.core.errors import ApplicationError, NotFoundError

from .. import services
from ..lockout import lockout_response
from ..models import ApiToken, User
from ..otp import has_confirmed_device, otp_required, verify_code
from ..tokens import ExpiringTokenAuthentication
from .serializers import ApiTokenSerializer, TokenIssuedSerializer, TokenObtainSerializer


class SignInLocked(Exception):
    """The account or the address is locked out (django-axes marked the request)."""


def check_credentials(request: HttpRequest, *, username: str, password: str, otp: str) -> User:
    """THE credential check of the API token endpoint; nothing else decides who gets a token.

    authenticate() runs the lockout backend first (axes.backends.AxesStandaloneBackend): a locked account or
    address is refused before its password is looked at, and every failure is counted.

    The second factor: a user who must have one (accounts.otp.otp_required) gets a token only with a good
    code (TOTP or recovery code) in `otp`; a wrong code counts as a failed sign-in (django's
    user_login_failed, which axes counts and the audit log records), so guessing codes locks too. A user who
    has not enrolled a device yet enrols on the web first."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise SignInLocked
    if user is None:
        raise ApplicationError(_("用户名或密码不正确,或账号已停用"))
    assert isinstance(user, User)
    if otp_required(user):
        if not has_confirmed_device(user):
            raise ApplicationError(_("该账号须先在网页端绑定动态口令,再获取接口令牌"), field="otp")
        if not verify_code(user, otp):
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if getattr(request, "axes_locked_out", False):
                raise SignInLocked
            raise ApplicationError(_("动态口令不正确"), field="otp")
    return user


class TokenObtainView(APIView):
    authentication_classes: list[type] = []  # a stale header must not stand in the way of signing in
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        summary="获取 API 令牌",
        description=(
            "用用户名和密码换取令牌;之后在请求头中携带 `Authorization: Token <token>`。令牌到期后失效"
            "(默认 12 小时),每个客户端一个:同一用户同一 `client` 再次获取时,旧令牌即被吊销。"
            "同一账号或同一来源地址 30 分钟内失败 5 次即锁定 30 分钟,锁定期间返回 429 和 Retry-After。"
        ),
        auth=[],
        request=TokenObtainSerializer,
        responses={200: TokenIssuedSerializer, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> HttpResponseBase:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http_request = request._request
        try:
            user = check_credentials(
                http_request, username=data["username"], password=data["password"], otp=data["otp"]
            )
        except SignInLocked:
            return lockout_response(http_request)
        token, secret = services.api_token_issue(user=user, client=data["client"])
        user_logged_in.send(sender=User, request=http_request, user=user)
        return Response(TokenIssuedSerializer({"token": secret, "expiry": token.expiry, "client": token.client}).data)


class TokenLogoutView(APIView):
    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="退出登录(吊销本令牌)",
        description="吊销本次请求所用的令牌;同一用户其他客户端的令牌不受影响。",
        request=None,
        responses={204: OpenApiResponse(description="已吊销"), **error_responses(401)},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        assert isinstance(request.auth, ApiToken)
        services.api_token_revoke(token=request.auth, actor=user, reason=_("退出登录"))
        user_logged_out.send(sender=User, request=request._request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(generics.ListAPIView[ApiToken]):
    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    pagination_class = None
    queryset = ApiToken.objects.none()  # for the schema; get_queryset starts from the caller

    def get_queryset(self) -> Any:
        user = signed_in_user(self.request)
        return ApiToken.objects.filter(user=user, expiry__gte=timezone.now()).order_by("-created")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "current": self.request.auth}

    @extend_schema(
        tags=["auth"],
        summary="我的 API 令牌",
        description="本人未到期的令牌(每个客户端一个),不含令牌本身。",
        responses={200: ApiTokenSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="吊销一个 API 令牌",
        description="吊销本人的一个令牌(如丢失的手机上的令牌);别人的令牌一律答 404。",
        responses={204: OpenApiResponse(description="已吊销"), **error_responses(401, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        token = ApiToken.objects.filter(user=user, pk=pk).select_related("user").first()
        if token is None:
            raise NotFoundError(_("令牌不存在或已吊销"))
        services.api_token_revoke(token=token, actor=user, reason=_("用户吊销"))
        return Response(status=status.HTTP_204_NO_CONTENT)
