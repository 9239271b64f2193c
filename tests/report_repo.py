"""A small repository whose run has every verdict status, for the report-format tests.

- ``Dockerfile``: fails (root user, unpinned base) and holds a secret in an ``ENV``;
- ``k8s/web.yaml``: a Deployment with failures, one of them waived inline (reason, owner,
  expiry), and one below the threshold when ``--devops-policy-fail-on=high`` is given;
- ``k8s/broken.yaml``: YAML that does not parse (a PARSE-ERROR item);
- ``infra/main.tf``: a bucket and a security group, one attribute from a variable without a
  default (an Unknown);
- ``.github/workflows/ci.yml``: a workflow with unpinned actions;
- ``pyproject.toml``: a config waiver with owner and expiry, and one expired waiver.

``SECRET`` is the value no report may show.
"""

from __future__ import annotations

from pathlib import Path

# Built at run time so that no scanner flags this file.
SECRET = "ak_" + "live_" + "51HxT3kLmN8pQ2rS4tU6vW8yZ"

DOCKERFILE = f"""\
FROM node:latest
ENV API_KEY={SECRET}
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
"""

WAIVER = (
    '# devops-policy: ignore[K8S-001] reason="vendor image runs as root, OPS-12" '
    "owner=platform-team expires=2999-12-31"
)
DEPLOYMENT = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        {WAIVER}
        - name: web
          image: nginx:1.27
"""

BROKEN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
data: [unclosed
"""

TERRAFORM = """\
variable "cidr" {}

resource "aws_security_group" "admin" {
  name = "admin"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}
"""

WORKFLOW = """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

PYPROJECT = """\
[tool.devops-policy]

[[tool.devops-policy.waivers]]
policy = "DOCKER-003"
path = "Dockerfile"
reason = "base image chosen by the vendor"
owner = "app-team"
expires = 2999-01-01

[[tool.devops-policy.waivers]]
policy = "GHA-003"
path = ".github/workflows/*.yml"
reason = "temporary"
owner = "ci-team"
expires = 2020-01-01
"""

FILES = {
    "Dockerfile": DOCKERFILE,
    "k8s/web.yaml": DEPLOYMENT,
    "k8s/broken.yaml": BROKEN,
    "infra/main.tf": TERRAFORM,
    ".github/workflows/ci.yml": WORKFLOW,
    "pyproject.toml": PYPROJECT,
}


def make_repo(root: Path, extra_pyproject: str = "") -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name == "pyproject.toml":
            head, _, rest = text.partition("\n\n")
            text = head + "\n" + extra_pyproject + "\n" + rest
        path.write_text(text, encoding="utf-8")
    return root
