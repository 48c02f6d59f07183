"""The OpenAPI document and the code agree: real responses of the API validate against the schema the
API publishes at /api/schema/ (clients generate code from it, so a drift is a bug)."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from conftest import GOOD_ID, mediate_to_agreement


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node, components: dict):
    """OpenAPI 3.0 schema → JSON Schema: resolve $ref, turn `nullable` into a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[-1]], components)
    # drf-spectacular writes a blank-able field as oneOf [the format, an empty string]; '' matches both
    # branches when formats are not enforced, so read oneOf as anyOf.
    converted = {
        ("anyOf" if key == "oneOf" else key): _json_schema(value, components)
        for key, value in node.items()
        if key != "nullable"
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _operation(openapi: dict, method: str, path: str) -> dict:
    if method in openapi["paths"].get(path, {}):  # a literal path wins over a template (/cameras/counts/)
        return openapi["paths"][path][method]
    for template, operations in openapi["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def assert_conforms(openapi: dict, method: str, url: str, response) -> None:
    operation = _operation(openapi, method, url.split("?")[0])
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {url}: status {response.status_code} is not documented"
    schema = documented["content"]["application/json"]["schema"]
    errors = list(
        Draft202012Validator(_json_schema(schema, openapi["components"]["schemas"])).iter_errors(response.json())
    )
    assert not errors, f"{method.upper()} {url}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


@pytest.mark.django_db
def test_responses_match_the_published_schema(openapi, api, people, zhuzhou, dispute):
    clerk = api(people.clerk)
    case = mediate_to_agreement(dispute, people)
    gets = [
        "/api/v1/cases/",
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/events/",
        "/api/v1/regions/",
        f"/api/v1/regions/?parent={zhuzhou.songshan.code}",
        f"/api/v1/regions/{zhuzhou.songshan.code}/",
        "/api/v1/organizations/",
        "/api/v1/categories/?kind=dispute",
        f"/api/v1/mediators/?case={case.pk}",
        "/api/v1/notifications/",
        "/api/v1/stats/summary/",
        "/api/v1/stats/breakdown/?by=category",
        "/api/v1/stats/drilldown/?indicator=received&part=numerator",
    ]
    for url in gets:
        response = clerk.get(url)
        assert response.status_code == 200, url
        assert_conforms(openapi, "get", url, response)

    created = clerk.post(
        "/api/v1/cases/",
        {
            "kind": "dispute",
            "category": "neighbour",
            "title": "噪音纠纷",
            "description": "夜间噪音",
            "channel": "phone",
            "urgency": "normal",
            "region": zhuzhou.taishan.code,
            "parties": [{"name": "赵六", "role": "applicant", "id_number": GOOD_ID, "phone": "13800138000"}],
        },
        format="json",
    )
    assert created.status_code == 201
    assert_conforms(openapi, "post", "/api/v1/cases/", created)

    moved = api(people.head).post(
        f"/api/v1/cases/{case.pk}/transitions/", {"action": "verify", "passed": True}, format="json"
    )
    assert_conforms(openapi, "post", f"/api/v1/cases/{case.pk}/transitions/", moved)
    unmasked = clerk.post(f"/api/v1/cases/{case.pk}/unmask/", {"reason": "电话回访"}, format="json")
    assert_conforms(openapi, "post", f"/api/v1/cases/{case.pk}/unmask/", unmasked)


@pytest.mark.django_db
def test_errors_match_the_published_schema(openapi, api, people, dispute):
    clerk = api(people.clerk)
    cases = [
        ("post", "/api/v1/cases/", clerk.post("/api/v1/cases/", {"kind": "dispute"}, format="json")),  # 400
        ("get", "/api/v1/cases/", api().get("/api/v1/cases/")),  # 401
        ("get", "/api/v1/cases/999999/", clerk.get("/api/v1/cases/999999/")),  # 404
        (
            "post",
            f"/api/v1/cases/{dispute.pk}/transitions/",  # 409
            clerk.post(f"/api/v1/cases/{dispute.pk}/transitions/", {"action": "close"}, format="json"),
        ),
    ]
    for method, url, response in cases:
        assert response.status_code in (400, 401, 404, 409)
        assert_conforms(openapi, method, url, response)


def test_each_actions_request_schema_is_read_from_its_form(openapi):
    """The transition request is one component per action, chosen by `action`, listing exactly the fields of
    the action's declared form (Transition.form), so a kind's new action documents itself."""
    from pingan.cases import workflows

    schemas = openapi["components"]["schemas"]
    request = schemas["TransitionRequest"]
    assert request["discriminator"]["propertyName"] == "action"
    for workflow in workflows.kinds():
        for transition in workflow.transitions:
            name = "Transition" + "".join(part.capitalize() for part in transition.action.split("_")) + "Request"
            assert request["discriminator"]["mapping"][transition.action].endswith(f"/{name}")
            properties = set(schemas[name]["properties"])
            assert set(transition.form.base_fields) | {"action"} <= properties, (workflow.kind, transition.action)
            required = {n for n, f in transition.form.base_fields.items() if f.required} | {"action"}
            assert required <= set(schemas[name].get("required", [])), (workflow.kind, transition.action)
