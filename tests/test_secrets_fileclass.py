"""The SECRET file-class rules (SECRET-011…014): the pure rules, the .gitignore matcher, and
how a run gives key stores and manifests their secrets subject."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy.knowledge.gitignore import ignored, parse
from pytest_devops_policy.knowledge.secrets.fileclass import env_file_findings
from pytest_devops_policy.policies import builtin_by_id
from pytest_devops_policy.testing import actual

# Fake values, built at run time so the repository holds no literal a scanner flags.
PASSWORD = "hun" + "ter22"
API_KEY = "Q7vR2mKx" + "9pLw4TzB8nYc"


def _ignored(gitignore: str, path: str) -> bool:
    return ignored([("", parse(gitignore))], path)


@pytest.mark.parametrize(
    ("patterns", "path", "want"),
    [
        (".env\n", ".env", True),
        (".env\n", "app/.env", True),  # no slash: any depth
        ("/.env\n", "app/.env", False),  # anchored
        ("/.env\n", ".env", True),
        (".env*\n", ".env.local", True),
        (".env.*\n!.env.example\n", ".env.example", False),
        (".env.*\n!.env.example\n", ".env.production", True),
        ("*.env\n", "deploy/prod.env", True),
        ("config/\n", "config/.env", True),  # inside an ignored directory
        ("config/\n!config/.env\n", "config/.env", True),  # cannot re-include under it
        ("**/secrets/*.env\n", "a/b/secrets/x.env", True),
        ("secrets/**\n", "secrets/a/x.env", True),
        ("a/**/b.env\n", "a/b.env", True),
        ("a/**/b.env\n", "a/x/y/b.env", True),
        ("# .env\n", ".env", False),
        ("\\#.env\n", "#.env", True),
        (".env/\n", ".env", False),  # directories only
        ("[.]env\n", ".env", True),
        ("?env\n", ".env", True),
        ("*.ENV\n", "x.env", False),  # case-sensitive, as git on Linux
        ("node_modules\n", ".env", False),
    ],
)
def test_gitignore(patterns: str, path: str, want: bool) -> None:
    assert _ignored(patterns, path) is want


def test_gitignore_deeper_file_wins() -> None:
    files = [("", parse(".env\n")), ("app", parse("!.env\n"))]
    assert not ignored(files, "app/.env")
    assert ignored(files, "other/.env")


def _env(text: str, path: str = ".env") -> list[tuple[int, str | None]]:
    return [(f.line, f.secret) for f in env_file_findings(text, path)]


def test_env_values_under_secret_keys() -> None:
    text = (
        "APP=shop\n"
        f"DB_PASSWORD={PASSWORD}\n"
        f"export API_KEY='{API_KEY}'\n"
        "SHORT_SECRET=abc\n"  # short, but the file is its home: a value
        "TOKEN_TTL=3600\n"
        "PASSWORD_FILE=/run/secrets/db\n"
    )
    assert _env(text) == [(2, PASSWORD), (3, API_KEY), (4, "abc")]
    assert _env(text, ".envrc") == _env(text)
    assert _env(text, "deploy/prod.env") == _env(text)
    assert _env(text, "README.md") == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "$(pass show db)",
        "changeme",
        "<password>",
        "your-password-here",
        "true",
        "vault:secret/data/db#password",
        "ENC[AES256_GCM,data:x]",
        "./secrets/db.txt",
    ],
)
def test_env_values_that_stand_for_one(value: str) -> None:
    assert _env(f"DB_PASSWORD={value}\n") == []


def test_env_pragma_allowlists_a_line() -> None:
    assert _env(f"DB_PASSWORD={PASSWORD} # pragma: allowlist secret\n") == []


def test_env_template_only_real_looking_values() -> None:
    text = f"DB_PASSWORD=pw1\nAPI_KEY={API_KEY}\nJWT_SECRET=changeme\n"
    # In a template a short word is an example value; the SECRET-009 gate decides.
    assert _env(text, ".env.example") == [(2, API_KEY)]
    assert _env(text, "config/.env.sample") == [(2, API_KEY)]


def _run(root: Path, name: str, text: str, policy: str) -> set[tuple[int, str]]:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return set(actual(path, builtin_by_id()[policy], rootdir=root).violations)


def test_env_gitignore_finding(tmp_path: Path) -> None:
    text = f"DB_PASSWORD={PASSWORD}\n"
    assert _run(tmp_path, "svc/.env", text, "SECRET-011") == {(1, "SECRET-011")}
    (tmp_path / ".gitignore").write_text("# nothing\n*.log\n", encoding="utf-8")
    finding = builtin_by_id()["SECRET-011"]
    result = actual(tmp_path / "svc/.env", finding, rootdir=tmp_path)
    assert result.violations == {(1, "SECRET-011")}


def test_env_gitignore_low_finding_severity(tmp_path: Path) -> None:
    from pytest_devops_policy.api import Severity
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.formats.secrets import SecretsFile
    from pytest_devops_policy.model import Source
    from pytest_devops_policy.options import Options

    env = tmp_path / "svc" / ".env"
    env.parent.mkdir()
    text = f"DB_PASSWORD={PASSWORD}\n"
    env.write_text(text, encoding="utf-8")
    policy = builtin_by_id()["SECRET-011"]
    subject = SecretsFile(Source(str(env), "svc/.env", text))

    def severities() -> list[Severity | None]:
        context = Context(Options(), ParseCache(str(tmp_path)))
        return [v.severity for v in policy.func(subject, context)]

    assert severities() == [None, Severity.LOW]
    (tmp_path / ".gitignore").write_text(".env\n", encoding="utf-8")
    assert severities() == [None]
    # The chain stops at the repository's top: a .gitignore above .git does not count.
    (tmp_path / ".gitignore").unlink()
    (tmp_path / "svc" / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(".env\n", encoding="utf-8")
    assert severities() == [None, Severity.LOW]
    (tmp_path / "svc" / ".gitignore").write_text("/.env\n", encoding="utf-8")
    assert severities() == [None]


# --------------------------------------------------------------------------- SECRET-012

TOKEN = "Zt3kQ9vW" + "2mLx8pRb"
AWS_SECRET = "p3Vq8ZrT1mKx7Lw2" + "Nb9Yc4Hs6Jd0Fg5Ra8Ue3Ti1"
PEM_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"


def _cred(path: str, text: str | None) -> list[tuple[int, str | None]]:
    from pytest_devops_policy.knowledge.secrets.fileclass import (
        credential_file,
        credential_file_findings,
    )

    if not credential_file(path, text):
        return []
    return [(f.line, f.secret) for f in credential_file_findings(path, text)]


@pytest.mark.parametrize(
    "path",
    [
        "id_rsa",
        "home/.ssh/id_ed25519",
        "ID_ECDSA",
        "keys/id_dsa",
        "deploy.ppk",
        "client.p12",
        "cert.pfx",
        "release.jks",
        "android/app/debug.keystore",
        "prod.publishsettings",
    ],
)
def test_credential_files_by_presence(path: str) -> None:
    assert _cred(path, None) == [(1, None)]
    assert _cred(path, "anything") == [(1, None)]


@pytest.mark.parametrize("path", ["id_rsa.pub", "id_rsa_backup.txt", "keys.md", "cert.pem"])
def test_not_credential_files_by_name(path: str) -> None:
    assert _cred(path, "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n") == []


def test_pem_with_a_private_key() -> None:
    assert _cred("tls/server.pem", "# server\n" + PEM_KEY) == [(2, None)]
    assert _cred("tls/server.pem", None) == []  # a big or binary .pem is not judged by name


@pytest.mark.parametrize(
    ("path", "text", "want"),
    [
        (".npmrc", f"//registry.npmjs.org/:_authToken={TOKEN}\n", [(1, TOKEN)]),
        (".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", []),
        (".npmrc", f"registry=https://r.example/\n_auth={TOKEN}\n", [(2, TOKEN)]),
        (".pypirc", f"[pypi]\nusername = __token__\npassword = {TOKEN}\n", [(3, TOKEN)]),
        (".pypirc", "[pypi]\nusername = __token__\npassword = <token>\n", []),
        (".netrc", f"machine api.example.com login ci password {TOKEN}\n", [(1, TOKEN)]),
        (".netrc", "machine api.example.com login ci\n", []),
        (".git-credentials", f"https://ci:{TOKEN}@git.example.com\n", [(1, TOKEN)]),
        (".git-credentials", "https://git.example.com\n", []),
        (".aws/credentials", f"[prod]\naws_secret_access_key = {AWS_SECRET}\n", [(2, AWS_SECRET)]),
        (".aws/credentials", f"aws_secret_access_key = {AWS_SECRET}\n", []),  # no profile
        (".aws/credentials", "[prod]\ncredential_process = aws-vault export prod\n", []),
    ],
)
def test_tool_configs_with_auth_entries(
    path: str, text: str, want: list[tuple[int, str | None]]
) -> None:
    assert _cred(path, text) == want


def test_docker_config_auths() -> None:
    import base64
    import json

    auth = base64.b64encode(b"ci:" + TOKEN.encode()).decode()
    config = {"auths": {"r.example.com": {"auth": auth}, "ghcr.io": {}}, "credsStore": "x"}
    text = json.dumps(config, indent=2)
    assert _cred("home/.docker/config.json", text) == [(4, auth)]
    assert _cred("config.json", text) == []  # any other config.json
    assert _cred(".docker/config.json", json.dumps({"credsStore": "desktop"})) == []
    assert _cred(".docker/config.json", "{not json") == []


def test_gcp_service_account_key() -> None:
    import json

    key = {
        "type": "service_account",
        "project_id": "p",
        "private_key": PEM_KEY,
        "client_email": "ci@p.iam.gserviceaccount.com",
    }
    text = json.dumps(key, indent=2)
    assert _cred("deploy/sa.json", text) == [(4, PEM_KEY)]
    federated = {"type": "external_account", "service_account_impersonation_url": "x"}
    assert _cred("deploy/sa.json", json.dumps(federated)) == []
    assert _cred("deploy/sa.json", json.dumps({**key, "private_key": ""})) == []


def test_binary_key_store_judged_by_name_only(tmp_path: Path) -> None:
    """A key store is binary: it gets a name-only subject that SECRET-012 alone judges,
    and its bytes are never scanned as text."""
    from pytest_devops_policy.formats.secrets import NamedFile
    from pytest_devops_policy.kinds import judges

    store = tmp_path / "client.p12"
    store.write_bytes(b"\x30\x82\x00\x00" + b"\x00" * 32 + b"password=" + TOKEN.encode())
    result = actual(store, builtin_by_id()["SECRET-012"], rootdir=tmp_path)
    assert result.violations == {(1, "SECRET-012")}
    for other in ("SECRET-001", "SECRET-009", "SECRET-011"):
        assert not actual(store, builtin_by_id()[other], rootdir=tmp_path).violations
    assert judges("secrets_file", "SECRET-012", NamedFile.key)
    assert not judges("secrets_file", "SECRET-009", NamedFile.key)
    other = tmp_path / "blob.bin.json"
    other.write_bytes(b"\x00\x01")
    assert not actual(other, builtin_by_id()["SECRET-012"], rootdir=tmp_path).violations


def test_binary_key_store_in_a_run(pytester: pytest.Pytester) -> None:
    """Collection reads a binary key store (it is not a FILE-SKIPPED note): one item, failed
    by SECRET-012 only, with no excerpt of its bytes."""
    raw = b"\x30\x82\x00\x00" + b"\x00" * 32 + TOKEN.encode()
    (pytester.path / "client.jks").write_bytes(raw)
    (pytester.path / "blob.json").write_bytes(b"\x00" + TOKEN.encode())
    result = pytester.runpytest("--devops-policy-only", "-p", "no:randomly", "-rA")
    out = result.stdout.str()
    assert "SECRET-012 credential-files-committed [critical]: a Java key store (client.jks)" in out
    assert "client.jks is a binary file" not in out
    assert "blob.json is a binary file" in out  # any other binary: a note, as before
    assert TOKEN not in out
    assert "SECRET-001" not in out and "SECRET-009" not in out


# --------------------------------------------------------------------------- SECRET-013


@pytest.mark.parametrize(
    ("path", "want"),
    [
        ("terraform.tfstate", True),
        ("envs/prod/terraform.tfstate.backup", True),
        ("terraform.tfstate.1712345678.backup", True),
        ("terraform.tfstate.d/staging/terraform.tfstate", True),
        ("infra/terraform.tfstate.d/prod/notes.txt", True),
        ("state.tf", False),
        ("docs/tfstate.md", False),
        ("backend.hcl", False),
    ],
)
def test_state_file_names(path: str, want: bool) -> None:
    from pytest_devops_policy.knowledge.secrets.fileclass import state_file

    assert state_file(path) is want


def test_big_state_file_judged_by_name(tmp_path: Path) -> None:
    state = tmp_path / "terraform.tfstate"
    state.write_text('{"version": 4, "resources": []}\n' + " " * 200, encoding="utf-8")
    settings = {"secrets.max_bytes": 64}
    policy = builtin_by_id()["SECRET-013"]
    assert actual(state, policy, settings, rootdir=tmp_path).violations == {(1, "SECRET-013")}
    # Other rules do not read a file over the limit.
    assert not actual(state, builtin_by_id()["SECRET-009"], settings, rootdir=tmp_path).violations


KUBE_HEAD = "apiVersion: v1\nkind: Config\nclusters: []\nusers:\n  - name: u\n    user:\n"


@pytest.mark.parametrize(
    ("user", "lines"),
    [
        (f"      token: {TOKEN}\n", [7]),
        ("      client-key-data: " + "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ" + "\n", [7]),
        ("      username: admin\n      password: s3cr3t-pw\n", [8]),
        (
            "      auth-provider:\n        name: oidc\n        config:\n"
            f"          refresh-token: {TOKEN}\n          client-id: kubectl\n",
            [10],
        ),
        ("      exec:\n        command: gke-gcloud-auth-plugin\n", []),
        ("      token: ${KUBE_TOKEN}\n", []),
        ("      tokenFile: /var/run/secrets/token\n      client-key: ~/.kube/u.key\n", []),
    ],
)
def test_kubeconfig_credentials(user: str, lines: list[int]) -> None:
    from pytest_devops_policy.knowledge.secrets.fileclass import is_kubeconfig, kubeconfig_findings

    text = KUBE_HEAD + user
    assert is_kubeconfig(text)
    got = kubeconfig_findings(text)
    assert [f.line for f in got] == lines
    assert all(f.secret and f.secret in text for f in got)


def test_not_a_kubeconfig() -> None:
    from pytest_devops_policy.knowledge.secrets.fileclass import is_kubeconfig, kubeconfig_findings

    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {token: abc}\n"
    assert not is_kubeconfig(manifest)
    assert kubeconfig_findings(manifest) == []
    assert kubeconfig_findings("apiVersion: v1\nkind: Config\nusers: [\n") == []  # no parse


# --------------------------------------------------------------------------- SECRET-014


def test_secret_objects_at_any_depth() -> None:
    from pytest_devops_policy.knowledge.secrets.fileclass import secret_object_findings

    text = (
        "extraObjects:\n"
        "  - apiVersion: v1\n"
        "    kind: Secret\n"
        "    stringData:\n"
        f"      token: {TOKEN}\n"
        "  - apiVersion: bitnami.com/v1alpha1\n"
        "    kind: Secret\n"  # another group's Secret kind: not core
        "    stringData:\n"
        f"      token: {TOKEN}\n"
    )
    assert [(f.line, f.secret) for f in secret_object_findings(text)] == [(5, TOKEN)]
    sops = text + "sops:\n  version: 3.8.1\n"
    assert secret_object_findings(sops) == []
    enc = "kind: Secret\napiVersion: v1\nstringData:\n  token: ENC[AES256_GCM,data:abc,type:str]\n"
    assert secret_object_findings(enc) == []
    assert secret_object_findings("kind: Secret\nstringData: [\n") == []


def test_helm_values_literals() -> None:
    from pytest_devops_policy.knowledge.secrets.fileclass import helm_values_findings

    text = (
        "auth:\n"
        f"  password: {API_KEY}\n"
        "  existingSecret: db-credentials\n"
        "  passwordKey: password\n"
        "users:\n"
        f"  - name: a\n    apiToken: {TOKEN}\n"
    )
    got = helm_values_findings(text)
    assert [(f.line, f.severity, f.message.split(" holds")[0]) for f in got] == [
        (2, "high", "Helm value auth.password"),
        (7, "high", "Helm value users.0.apiToken"),
    ]


def _k8s_run(pytester: pytest.Pytester) -> str:
    return pytester.runpytest("--devops-policy-only", "-p", "no:randomly", "-rA").stdout.str()


def test_secret_manifests_are_left_to_k8s_017(pytester: pytest.Pytester) -> None:
    """A Secret manifest the Kubernetes kind collects is K8S-017's; the same object in a
    chart's values (not a manifest) is SECRET-014's; values files count only in a chart."""
    secret = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n"
        f"stringData:\n  password: {API_KEY}\n"
    )
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "secret.yaml").write_text(secret, encoding="utf-8")
    chart = pytester.path / "chart"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n", "utf-8")
    (chart / "values.yaml").write_text(f"db:\n  password: {TOKEN}\n", encoding="utf-8")
    (pytester.path / "values.yaml").write_text(f"db:\n  password: {TOKEN}\n", encoding="utf-8")
    out = _k8s_run(pytester)
    assert "FAILED deploy/secret.yaml::Secret/shop/db::K8S-017" in out
    assert "FAILED chart/values.yaml::secrets::SECRET-014" in out
    assert "Helm value db.password holds a literal secret" in out
    assert "deploy/secret.yaml::secrets::SECRET-014" not in out  # not judged at all
    assert "\nPASSED values.yaml::secrets::SECRET-014" not in out  # not in a chart
    assert "\nFAILED values.yaml::secrets::SECRET-014" not in out
