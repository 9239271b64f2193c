"""Pure helpers of XREF-003 (the image user as the kubelet sees it) and XREF-009 (the
ports a command line listens on)."""

from __future__ import annotations

import pytest

from pytest_devops_policy.policies.kubernetes.xref_003_nonroot_pod_needs_numeric_image_user import (
    NUMERIC_NONROOT_BASES,
    ROOT_BASES,
    _matches,
    _user_text,
)
from pytest_devops_policy.policies.kubernetes.xref_009_pod_ports_match_image import (
    _flag_ports,
)


@pytest.mark.parametrize(
    ("argv", "ports"),
    [
        (["node", "server.js"], set()),
        (["uvicorn", "app:app", "--port", "8000"], {8000}),
        (["gunicorn", "--bind", "0.0.0.0:8000", "app:app"], {8000}),
        (["gunicorn", "-b", ":5000"], {5000}),
        (
            ["./podinfo", "--port=9898", "--port-metrics=9797", "--grpc-port=9999"],
            {9898, 9797, 9999},
        ),
        (["app", "--listen", "[::]:7000"], {7000}),
        (["app", "--port", "$PORT"], set()),
        (["app", "--report", "80"], set()),
        (["app", "-p"], set()),
    ],
)
def test_flag_ports(argv: list[str], ports: set[int]) -> None:
    assert _flag_ports(argv) == ports


@pytest.mark.parametrize(
    ("image", "root", "numeric"),
    [
        ("node:20-alpine", True, False),
        ("docker.io/library/python:3.12-slim", True, False),
        ("nginx", True, False),
        ("gcr.io/distroless/static-debian12:nonroot", False, True),
        ("gcr.io/distroless/static-debian12", False, False),
        ("cgr.dev/chainguard/node:latest", False, True),
        ("cgr.dev/chainguard/node:latest-dev", False, False),
        ("nginxinc/nginx-unprivileged:1.27", False, False),
    ],
)
def test_base_users(image: str, root: bool, numeric: bool) -> None:
    assert _matches(image, ROOT_BASES) is root
    assert _matches(image, NUMERIC_NONROOT_BASES) is numeric


def test_user_from_build_args() -> None:
    resolved = {"resolved": True, "user": "nodeuser", "raw": "nodeuser"}
    assert _user_text(resolved, {}) == "nodeuser"
    pending = {"resolved": False, "user": "", "raw": "${APP_UID}:${APP_GID}"}
    assert _user_text(pending, {}) is None
    assert _user_text(pending, {"APP_UID": "1001"}) is None  # APP_GID still unset
    assert _user_text(pending, {"APP_UID": "1001", "APP_GID": "0"}) == "1001"
