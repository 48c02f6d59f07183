"""System checks of the platform's own settings (`manage.py check`, `check --deploy`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from . import crypto


@checks.register(checks.Tags.security)
def data_keys_readable(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The data keys (core.crypto) must be readable wherever the site runs: without them no ID number or
    phone can be stored or shown."""
    try:
        crypto.load_keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(_("数据加密密钥配置有误:%(error)s") % {"error": exc}, id="pingan.E101")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def data_keys_not_generated(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """In production the data keys come from the environment (PINGAN_DATA_KEYS, PINGAN_DATA_INDEX_KEY) or a
    key file kept apart from the data (PINGAN_DATA_KEY_FILE), not from the file a first run generates next
    to the database."""
    try:
        ring = crypto.load_keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(_("未配置数据加密密钥:%(error)s") % {"error": exc}, id="pingan.E102")]
    if ring.source == crypto.KeySource.GENERATED:
        return [
            checks.Error(
                _("数据加密密钥来自首次运行自动生成的文件 %(path)s") % {"path": ring.path},
                hint=_("生产环境请通过 PINGAN_DATA_KEYS 与 PINGAN_DATA_INDEX_KEY,或 PINGAN_DATA_KEY_FILE 提供密钥"),
                id="pingan.E102",
            )
        ]
    return []
