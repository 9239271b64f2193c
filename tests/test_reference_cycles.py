"""Analysis leaves no reference cycles behind.

The cyclic garbage collector is paused while items are collected and what collection built is
frozen afterwards (``pytest_layer/gcpause.py``): an object caught in a cycle made meanwhile is
never freed. So the parsed models must be freed by reference counting alone: a Dockerfile
drops its memo of run scripts (which point back at it) when the parse cache releases it, a
workflow drops its jobs (which point back at it) at the end of collection, recursive walks are
functions rather than closures that call themselves, and bashlex is called without the class
its ``parse()`` defines on every call.
"""

from __future__ import annotations

import json

import pytest

# Collects with the pause plugin off and the collector disabled instead, then counts what a
# full pass finds unreachable: the cycles collection left.
COUNT_CYCLES = """
import collections, gc, json
import pytest

def pytest_configure(config):
    gc.disable()

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection(session):
    result = yield
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    found = collections.Counter()
    for obj in gc.garbage:
        cls = obj if isinstance(obj, type) else type(obj)
        module = getattr(cls, "__module__", "") or ""
        # (bashlex's word expansion also defines a class per word with a substitution,
        # inside bashlex: not counted.)
        if module.startswith(("pytest_devops_policy", "bashlex.parser")):
            found[f"{module}.{cls.__qualname__}"] += 1
    gc.set_debug(0)
    gc.garbage.clear()
    gc.enable()
    with open("cycles.json", "w") as fh:
        json.dump(found, fh)
    return result
"""

DOCKERFILE = """\
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
FROM python:3.12-slim
COPY --from=build /usr/local /usr/local
USER 10001
CMD ["python", "-m", "app"]
"""

WORKFLOW = """\
name: ci
on:
  push: {branches: [main]}
  pull_request:
permissions: {contents: read}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab # v3.5.2
      - uses: ./.github/actions/setup
      - run: |
          pip install -r requirements.txt
          pytest -q
  build:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t ghcr.io/acme/app:${{ github.sha }} -f Dockerfile .
  deploy:
    needs: [build]
    if: github.ref == 'refs/heads/main'
    uses: ./.github/workflows/deploy.yml
"""

DEPLOY = """\
name: deploy
on: workflow_call
jobs:
  rollout:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: kubectl set image deployment/app app=ghcr.io/acme/app:${{ github.sha }}
      - run: |
          kubectl rollout status deployment/app --timeout=120s \
            || kubectl rollout undo deployment/app
"""

ACTION = """\
name: setup
runs:
  using: composite
  steps:
    - run: pip install --upgrade pip
      shell: bash
"""

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/app:1.0.0
"""


def test_collection_leaves_no_reference_cycles(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(COUNT_CYCLES)
    files = {
        "Dockerfile": DOCKERFILE,
        ".github/workflows/ci.yml": WORKFLOW,
        ".github/workflows/deploy.yml": DEPLOY,
        ".github/actions/setup/action.yml": ACTION,
        "k8s/app.yaml": MANIFEST,
        "requirements.txt": "flask==3.0.0\n",
    }
    for path, text in files.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result = pytester.runpytest_subprocess(
        "--devops-policy-only", "-p", "no:devops_policy_gc", "--devops-policy-jobs=1", "-q"
    )
    assert "items:" in result.stdout.str()  # the files were collected and judged
    cycles = json.loads((pytester.path / "cycles.json").read_text())
    assert cycles == {}
