"""The API's transition schema reads each action's form fields (cases.api.transitions.api_field)."""

from django import forms
from rest_framework import serializers

from pingan.cases.api.transitions import api_field


def test_a_callable_bound_of_a_form_field_reads_as_its_value_in_the_schema():
    # Django takes a callable min_value/max_value (evaluated when the form validates); the schema needs the
    # number, not the function (which the OpenAPI document cannot hold).
    field = forms.IntegerField(label="延期时长", min_value=lambda: 1, max_value=lambda: 90)
    assert field.clean("90") == 90

    documented = api_field(field)

    assert isinstance(documented, serializers.IntegerField)
    assert (documented.min_value, documented.max_value) == (1, 90)


def test_a_fixed_bound_is_documented_as_it_is():
    documented = api_field(forms.DecimalField(label="金额", max_digits=12, decimal_places=2, min_value=0))

    assert isinstance(documented, serializers.DecimalField)
    assert documented.min_value == 0 and documented.max_value is None
