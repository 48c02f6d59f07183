"""The API's transition request, read from the kinds' declarations: the request schema of each action is
its `Transition.form` translated to serializer fields, so a kind's new action documents itself. The form
itself validates the parameters (in the service, exactly as for the web UI); the API checks only that the
action is named."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from pingan.cases import workflows
from pingan.cases.action_forms import ActionForm, YesNoField

ApiField = serializers.Field[Any, Any, Any, Any]
FieldFactory = Callable[..., ApiField]

_FORM_FIELDS: dict[type[forms.Field], FieldFactory] = {}


def register_form_field(form_field: type[forms.Field], factory: FieldFactory) -> None:
    """How a kind's own form field reads in the API schema: `factory(field, required=…)` → serializer field."""
    _FORM_FIELDS[form_field] = factory


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    # Django normalises choices when they are set: (value, label) pairs, whatever the field was given.
    choices = cast(Iterable[tuple[Any, Any]], field.choices)
    return [(value, label) for value, label in choices if value != ""]


def _text_kwargs(field: forms.Field) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allow_blank": not field.required}
    max_length = getattr(field, "max_length", None)
    if max_length:
        kwargs["max_length"] = max_length
    return kwargs


def _limit(value: int | Callable[[], int] | None) -> int | None:
    """A form field's bound for the schema: Django also takes a callable (evaluated when validating)."""
    return value() if callable(value) else value


def api_field(field: forms.Field) -> ApiField:
    """A form field as the serializer field that documents it."""
    kwargs: dict[str, Any] = {"required": field.required, "help_text": field.label or ""}
    for form_class in type(field).__mro__:
        if form_class in _FORM_FIELDS:
            return _FORM_FIELDS[form_class](field, required=field.required)
    if isinstance(field, YesNoField):
        return serializers.BooleanField(**kwargs)
    if isinstance(field, forms.ChoiceField) and _choices(field):
        return serializers.ChoiceField(choices=_choices(field), allow_blank=not field.required, **kwargs)
    if isinstance(field, forms.ChoiceField):  # choices that depend on the case (set in the form's for_case)
        return serializers.CharField(allow_blank=not field.required, **kwargs)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**kwargs)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits,
            decimal_places=field.decimal_places,
            min_value=_limit(field.min_value),
            **kwargs,
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=_limit(field.min_value), max_value=_limit(field.max_value), **kwargs)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**kwargs)
    if isinstance(field, forms.URLField):
        return serializers.URLField(**kwargs, **_text_kwargs(field))
    if isinstance(field, forms.JSONField):
        return serializers.JSONField(**kwargs)
    if isinstance(field, forms.CharField):
        return serializers.CharField(**kwargs, **_text_kwargs(field))
    raise TypeError(f"no API field for form field {type(field).__name__}: register one with register_form_field")


def _component(action: str) -> str:
    return "Transition" + "".join(part.capitalize() for part in action.split("_"))


def _action_serializer(
    action: str, labels: list[str], form_classes: list[type[ActionForm]]
) -> serializers.Serializer[Any]:
    fields: dict[str, ApiField] = {
        "action": serializers.ChoiceField(choices=[(action, " / ".join(dict.fromkeys(labels)))]),
    }
    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            fields.setdefault(name, api_field(field))
    serializer_class = type(_component(action), (serializers.Serializer,), fields)
    serializer: serializers.Serializer[Any] = serializer_class()
    return serializer


def transition_request_schema() -> PolymorphicProxySerializer:
    """One request component per action, chosen by `action` (a discriminator): its form's fields."""
    by_action: dict[str, tuple[list[str], list[type[ActionForm]]]] = {}
    for workflow in workflows.kinds():
        for transition in workflow.transitions:
            labels, form_classes = by_action.setdefault(transition.action, ([], []))
            labels.append(str(transition.label))
            if transition.form not in form_classes:
                form_classes.append(transition.form)
    return PolymorphicProxySerializer(
        component_name="Transition",
        serializers={action: _action_serializer(action, *spec) for action, spec in sorted(by_action.items())},
        resource_type_field_name="action",
    )


class TransitionSerializer(serializers.Serializer[Any]):
    """The action named by a transition request; its parameters are the action form's (see the schema)."""

    action = serializers.ChoiceField(choices=[], help_text=_("操作名称,见案件详情的 allowed_actions"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = dict.fromkeys(action for workflow in workflows.kinds() for action in workflow.actions)
        cast(serializers.ChoiceField, self.fields["action"]).choices = list(actions)

    @staticmethod
    def params(data: Any) -> dict[str, Any]:
        """The raw parameters for the service's action form (it parses them exactly as the web UI does)."""
        from django.http import QueryDict

        params = data.dict() if isinstance(data, QueryDict) else dict(data)
        params.pop("action", None)
        return params
