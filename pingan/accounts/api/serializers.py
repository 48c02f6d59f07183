from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import ApiToken


class TokenObtainSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    client = serializers.CharField(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="客户端名称,如“网格通-安卓”;同一用户同一客户端只保留最新的令牌。省略时为“默认”。",
    )
    otp = serializers.CharField(
        max_length=16, required=False, default="", allow_blank=True, help_text="动态口令(已启用双因素认证的账号必填)"
    )


class TokenIssuedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="令牌本身,只在签发时返回一次;服务器只保存其摘要")
    expiry = serializers.DateTimeField(help_text="到期时间")
    client = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    current = serializers.SerializerMethodField(help_text="是否为本次请求所用的令牌")

    class Meta:
        model = ApiToken
        fields = ["id", "client", "created", "expiry", "current"]

    def get_current(self, token: ApiToken) -> bool:
        return token.pk == getattr(self.context.get("current"), "pk", None)
