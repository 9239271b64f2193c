"""The SECRET kind (issue 18 point 1): which files are read for secrets, how they become
items, and the summary's count of places found by two policies."""

from __future__ import annotations

import random
import string

import pytest

RUN = ("--devops-policy-only", "-p", "no:cacheprovider", "-rA")


def _value(seed: int, n: int = 16) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


@pytest.fixture
def tree(pytester: pytest.Pytester) -> pytest.Pytester:
    p = pytester.path
    (p / "Dockerfile").write_text(f"FROM alpine:3.20\nENV DB_PASSWORD={_value(1)}\nUSER 1000\n")
    (p / "config").mkdir()
    # App config YAML: not a manifest, read for secrets only.
    (p / "config" / "app.yaml").write_text(f"db:\n  password: {_value(2)}\n")
    # A broken manifest is a PARSE-ERROR, and still read for secrets.
    (p / "broken.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\ndata: [\n  api_key: {_value(3)}\n"
    )
    (p / "package-lock.json").write_text('{"integrity": "sha512-' + _value(4, 80) + '"}\n')
    (p / "blob.env").write_bytes(b"\x00\x01API_KEY=" + _value(5).encode())
    return pytester


def test_every_collected_file_and_the_included_ones_get_a_secrets_node(
    tree: pytest.Pytester,
) -> None:
    result = tree.runpytest(*RUN, "--devops-policy-items=policy")
    out = result.stdout.str()
    for node in (
        "Dockerfile::secrets::SECRET-009",
        "config/app.yaml::secrets::SECRET-009",
        "broken.yaml::secrets::SECRET-009",
    ):
        assert f"FAILED {node}" in out, node
    assert "broken.yaml::PARSE-ERROR" in out
    assert "package-lock.json" not in out  # a lockfile: integrity hashes, not credentials
    assert "blob.env::secrets" not in out  # binary
    for i in (1, 2, 3, 5):
        assert _value(i) not in out


def test_selecting_only_secret_policies_still_reads_every_kind(tree: pytest.Pytester) -> None:
    result = tree.runpytest(*RUN, "--devops-policy-select=SECRET")
    out = result.stdout.str()
    assert "FAILED Dockerfile::secrets" in out
    assert "DOCKER-" not in out.split("short test summary info")[-1]


def test_the_summary_counts_a_place_two_policies_found_once(tree: pytest.Pytester) -> None:
    result = tree.runpytest(*RUN)
    result.stdout.fnmatch_lines(
        ["secrets: * place(s) with a failing secret finding (1 reported both by a SECRET "
         "policy and by the kind's own policy, counted once)"]
    )  # fmt: skip
