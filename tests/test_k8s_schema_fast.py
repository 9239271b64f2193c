"""``schema_fast.certainly_valid``: True only for values jsonschema (Draft 2020-12) finds
valid, on the keywords the stripped Kubernetes schemas use; and on every Kubernetes object
of the golden fixtures, it never calls valid what jsonschema rejects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from pytest_devops_policy.knowledge.kubernetes.schema import validator_for
from pytest_devops_policy.knowledge.kubernetes.schema_fast import certainly_valid

INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
OBJECT = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "port": INT_OR_STRING,
        "mode": {"type": "string", "enum": ["a", "b"]},
        "items": {"type": "array", "items": {"type": "number"}},
    },
    "additionalProperties": False,
}
CASES: list[tuple[Any, Any]] = [
    ({"type": "integer"}, 1),
    ({"type": "integer"}, 1.0),  # an integral float is an integer in 2020-12
    ({"type": "integer"}, 1.5),
    ({"type": "integer"}, True),  # booleans are not integers
    ({"type": "number"}, False),
    ({"type": "string"}, dt.date(2024, 1, 1)),  # a YAML timestamp is no JSON string
    ({"type": ["string", "null"]}, None),
    ({"enum": [1]}, True),
    ({"enum": [True]}, 1),
    ({"enum": ["a"]}, "a"),
    (INT_OR_STRING, "50%"),
    (INT_OR_STRING, 3),
    (INT_OR_STRING, 3.5),
    (OBJECT, {"name": "x", "port": 80, "mode": "a", "items": [1, 2.5]}),
    (OBJECT, {"name": "x", "extra": 1}),
    (OBJECT, {"port": 80}),
    (OBJECT, {"name": "x", "mode": "c"}),
    (OBJECT, {"name": "x", "items": [1, "2"]}),
    ({"allOf": [{"type": "object"}, {"required": ["a"]}]}, {"a": 1}),
    ({"anyOf": [{"type": "string"}, {"type": "object"}]}, []),
    ({"not": {"type": "string"}}, 1),  # not: left to jsonschema
    ({"minLength": 2}, "x"),  # a keyword it does not know: left to jsonschema
    ({"additionalProperties": {"type": "string"}}, {"a": "b", "c": 1}),
]


@pytest.mark.parametrize(("schema", "value"), CASES)
def test_valid_only_when_jsonschema_agrees(schema: Any, value: Any) -> None:
    valid = jsonschema.Draft202012Validator(schema).is_valid(value)
    if certainly_valid(schema, value):
        assert valid
    if valid and not any(k in schema for k in ("not", "minLength")):
        # On the keywords the Kubernetes schemas use, a valid value is recognised.
        assert certainly_valid(schema, value)


def test_golden_manifests_agree_with_jsonschema() -> None:
    golden = Path(__file__).parent / "golden"
    checked = 0
    for path in sorted(golden.glob("K8S-*/**/*.y*ml")):
        try:
            docs = list(yaml.load_all(path.read_text("utf-8"), Loader=yaml.SafeLoader))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            api, kind = doc.get("apiVersion"), doc.get("kind")
            if not isinstance(api, str) or not isinstance(kind, str):
                continue
            validator = validator_for("1.35", True, api, kind)
            if validator is None:
                continue
            checked += 1
            if certainly_valid(validator.schema, doc):
                assert validator.is_valid(doc), f"{path}: {kind}"
    assert checked > 100
