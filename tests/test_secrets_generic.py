"""SECRET-007…011 generic detectors: true and false positives per family.

Every fake secret is built at run time (concatenation, base64 of generated JSON), so that
this file holds no literal that a secret scanner, ours included, would report.
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest
from conftest import Linear

from pytest_devops_policy.knowledge.secrets.generic import (
    env_assignments,
    env_file_class,
    is_secret_key,
    scan,
    scan_entropy,
)

_RNG = random.Random(18)


def _rand(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


PW = "Zq8" + "vN2pLx7"  # letters and digits, 10 chars
PW2 = "w4T" + "-kR9m_eQ2"


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _jwt(header: dict[str, str], payload: object | None = None) -> str:
    body = payload if payload is not None else {"sub": "1234567890", "iat": 1700000000}
    return _b64(header) + "." + _b64(body) + "." + _rand(43, string.ascii_letters + "_-")


def _found(text: str, path: str = "config.yaml", **kw: bool) -> list[tuple[str, str]]:
    return [(h.policy, text[h.start : h.end]) for h in scan(text, path, **kw)]


# --------------------------------------------------------------------------- SECRET-007


def test_jwt_with_alg_and_typ() -> None:
    token = _jwt({"alg": "HS256", "typ": "JWT"})
    text = f"auth:\n  bearer: {token}\n"
    (hit,) = scan(text, "config.yaml")
    assert (hit.policy, hit.rule, text[hit.start : hit.end]) == ("SECRET-007", "jwt", token)
    assert hit.severity is None


def test_jwt_without_typ_needs_a_json_payload() -> None:
    ok = _jwt({"alg": "RS256", "kid": "k1"})
    assert _found(f"x = '{ok}'", "a.py") == [("SECRET-007", ok)]
    bad = _b64({"alg": "RS256"}) + ".ey" + _rand(30) + "." + _rand(20)
    assert _found(f"x = '{bad}'", "a.py") == []


def test_jwt_unsigned_in_tests_is_medium() -> None:
    token = _jwt({"alg": "none", "typ": "JWT"})
    (hit,) = scan(f"TOKEN_FIXTURE = '{token}'\n", "tests/unit/test_auth.py")
    assert hit.severity == "medium"
    (hit,) = scan(f"t: {token}\n", "deploy/values.yaml")
    assert hit.severity is None


@pytest.mark.parametrize(
    "text",
    [
        # the header is JSON without alg
        _b64({"foo": "bar", "typ": "JWT"}) + "." + _b64({"sub": "x"}) + "." + "s" * 20,
        # base64 that is not JSON
        "eyJ" + "z" * 30 + ".eyJ" + "q" * 30 + "." + "s" * 20,
        # two segments only
        _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64({"sub": "x"}),
    ],
)
def test_jwt_lookalikes(text: str) -> None:
    assert _found(f"value: {text}\n") == []


# --------------------------------------------------------------------------- SECRET-008


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgres://app:" + PW + "@db:5432/app", PW),
        ("https://ci-bot:" + PW2 + "@git.internal.example/org/repo.git", PW2),
        ("amqp://guest:" + PW + "@rabbit:5672/", PW),
        ("redis://:" + PW + "@cache:6379/0", PW),
        ("mongodb+srv://admin:" + PW + "@cluster0.abcd.mongodb.net/db", PW),
    ],
)
def test_url_password(url: str, password: str) -> None:
    text = f"DATABASE_URL={url}\n"
    hits = scan(text, "docker-compose.yml")
    assert [(h.policy, text[h.start : h.end]) for h in hits] == [("SECRET-008", password)]


@pytest.mark.parametrize(
    "url",
    [
        "postgres://app:${DB_PASSWORD}@db:5432/app",
        "postgres://app:$DB_PASSWORD@db/app",
        "mysql://root:$(cat /run/secrets/pw)@db/app",
        "https://user:****@example.com/",
        "https://user:password@example.com/",
        "https://user:<password>@example.com/",
        "postgresql://{user}:{password}@{host}/{db}",
        "postgresql://%s:%s@%s/db",
        "amqp://{{ .Values.user }}:{{ .Values.pass }}@rabbit/",
        "redis://:changeme@cache:6379",
        "postgres://postgres:postgres@localhost:5432/postgres",
        "docker://alpine:3.19@sha256:" + "a" * 64,
        "https://user@example.com/no-password",
        "http://localhost:8080/path",
        "https://x:foo@example.com",
    ],
)
def test_url_not_a_password(url: str) -> None:
    assert _found(f"url: {url}\n") == []


# --------------------------------------------------------------------------- SECRET-009


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("app.yaml", f"database:\n  password: {PW}\n", PW),
        ("app.yaml", f'auth:\n  apiKey: "{PW}"\n', PW),
        ("app.yaml", f"client_secret: '{PW2}'  # prod\n", PW2),
        ("app.json", json.dumps({"db": {"password": PW}}), PW),
        ("app.json", json.dumps({"credentials": {"access_key": PW2}}, indent=2), PW2),
        ("main.tf", f'provider "aws" {{\n  secret_key = "{PW}"\n}}\n', PW),
        ("settings.toml", f'[db]\ndb_pass = "{PW}"\n', PW),
        ("app.ini", f"[auth]\nauth_key = {PW}\n", PW),
        ("application.properties", f"spring.datasource.password={PW}\n", PW),
        ("deploy.sh", f"#!/bin/sh\nexport SERVICE_TOKEN={PW}\n./run\n", PW),
        ("Dockerfile", f"FROM alpine\nENV DB_PASSWORD {PW}\n", PW),
        ("Dockerfile", f"FROM alpine\nARG NPM_TOKEN={PW}\n", PW),
        ("settings.xml", f"<server><id>x</id><password>{PW}</password></server>\n", PW),
        ("k8s/deploy.yaml", f"env:\n  - name: DB_PASSWORD\n    value: {PW}\n", PW),
        ("task.json", json.dumps([{"name": "API_SECRET", "value": PW}]), PW),
        ("ci.yml", f"script:\n  - docker login -u bot -p {PW} registry.example\n", PW),
        ("ci.yml", f"script:\n  - mysql -u root -p{PW} app < dump.sql\n", PW),
        ("ci.yml", f"script:\n  - ./cli deploy --api-key={PW}\n", PW),
        ("ci.yml", f'script:\n  - ./cli --password "{PW}" up\n', PW),
        ("ci.yml", f"run: keytool -list -storepass {PW}\n", PW),
        ("compose.yml", f"environment:\n  - POSTGRES_PASSWORD={PW}\n", PW),
        ("config.yaml", "sas: " + PW + "\n", PW),
        (
            "appsettings.json",
            json.dumps({"Db": "Server=tcp:db,1433;User ID=sa;Password=" + PW + ";Encrypt=True"}),
            PW,
        ),
        ("app.yaml", "url: jdbc:mysql://db:3306/app?user=app&password=" + PW + "&ssl=1\n", PW),
        ("app.yaml", "hook: https://api.example.io/send?access_token=" + PW + "&x=1\n", PW),
        # a well-known credential variable: no letters+digits needed
        (
            "compose.yml",
            "environment:\n  POSTGRES_PASSWORD: mysecretpassword\n",
            "mysecretpassword",
        ),
    ],
)
def test_keyword_assignment(path: str, text: str, value: str) -> None:
    hits = scan(text, path)
    assert [(h.policy, text[h.start : h.end]) for h in hits] == [("SECRET-009", value)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("app.yaml", "password: ${DB_PASSWORD}\n"),
        ("app.yaml", "password: '{{ .Values.db.password }}'\n"),
        ("app.yaml", 'token: "${{ secrets.DEPLOY_TOKEN }}"\n'),
        ("app.yaml", "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n"),
        ("app.yaml", "password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\n"),
        ("app.yaml", "api_key: ref+vault://secret/app#key\n"),
        ("app.yaml", "client_secret: vault:secret/data/app#secret\n"),
        ("app.yaml", "password: changeme\n"),
        ("app.yaml", "password: <your-password>\n"),
        ("app.yaml", "api_key: your-api-key-here\n"),
        ("app.yaml", "token: xxxxxxxxxxxxxxxx\n"),
        ("app.yaml", "password: '********'\n"),
        ("app.yaml", "secretName: tls-cert-2024\n"),
        ("app.yaml", "existingSecret: my-release-postgresql\n"),
        ("app.yaml", "passwordSecretRef: db-creds-01\n"),
        ("app.yaml", "token_endpoint: https://login.example/oauth2/token\n"),
        ("app.yaml", "password_file: /run/secrets/db_password\n"),
        ("app.yaml", "secret: db-credentials\n"),
        ("app.yaml", "tokenizer: bert-base-uncased-v2\n"),
        ("app.yaml", "max_tokens: 40960000\n"),
        ("app.yaml", "password_policy: strong2024rules\n"),
        ("app.yaml", "hashed_password: pbkdf2sha256abc123\n"),
        ("app.yaml", "password: short1\n"),
        ("app.yaml", "password: aaaaaaaaaaaa\n"),
        ("app.yaml", "password: Mot de passe 123\n"),
        ("app.yaml", "credentials: credentials.json\n"),
        ("app.yaml", "private_key: keys/service.pem\n"),
        ("app.yaml", "api_key: arn:aws:secretsmanager:eu-west-1:123456789012:secret:x\n"),
        ("app.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {}\n"),
        ("main.tf", "password = var.db_password\n"),
        ("main.tf", 'password = "${var.db_password}"\n'),
        ("main.tf", "secret_key = random_password.db.result\n"),
        ("app.py", "password = get_password()\n"),
        ("app.py", f'if password == "{PW}":\n    pass\n'),
        ("app.py", "token = self.settings.token\n"),
        ("run.sh", "echo $CR_PAT | docker login ghcr.io -u bot --password-stdin\n"),
        ("run.sh", "export DB_PASSWORD=$(vault kv get -field=pw secret/db)\n"),
        ("run.sh", "export API_TOKEN=${API_TOKEN:-}\n"),
        ("app.yaml", "PASSWORD_1: password1\n"),
        ("app.yaml", "url: https://x.io/?token=${TOKEN}&password={{ .Values.pw }}\n"),
        ("app.yaml", "q: https://x.io/search?q=secret&page=2\n"),
        ("app.ini", "conn = Server=db;Database=app;Password=$(DB_PW);\n"),
        (".github/workflows/ci.yml", "with:\n  password: ${{ secrets.GITHUB_TOKEN }}\n"),
        ("values.yaml", "auth:\n  existingSecretPasswordKey: password\n  password: ''\n"),
        ("values.yaml", "secretKeys:\n  adminPasswordKey: admin-password\n"),
        ("compose.yml", "environment:\n  POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n"),
        ("vars.yml", "api_token: \"{{ lookup('env', 'API_TOKEN') }}\"\n"),
        ("app.properties", "security.client-secret={cipher}AQB3x5\n"),
        ("run.sh", 'mysql -h db -u root --password="$MYSQL_ROOT_PASSWORD" app\n'),
        ("run.sh", "openssl pkcs12 -export -passout env:PFX_PASS -out a.pfx\n"),
        ("app.json", json.dumps({"password": {"type": "string", "minLength": 12}})),
        ("app.json", json.dumps({"forgotPassword": "Forgot your password?"})),
    ],
)
def test_keyword_not_a_secret(path: str, text: str) -> None:
    assert _found(text, path) == []


def test_keyword_span_is_the_value_inside_quotes() -> None:
    text = f'{{"api_key": "{PW}"}}'
    (hit,) = scan(text, "a.json")
    assert text[hit.start - 1] == '"' and text[hit.end] == '"'
    assert hit.note and PW not in hit.note and PW not in hit.label


def test_a_jwt_under_a_secret_key_is_reported_once_as_a_jwt() -> None:
    token = _jwt({"alg": "HS256", "typ": "JWT"})
    assert [p for p, _ in _found(f"token: {token}\n")] == ["SECRET-007"]


@pytest.mark.parametrize(
    "key",
    ["DB_PASSWORD", "apiKey", "client-secret", "spring.datasource.password", "AUTH_TOKEN_V2"],
)
def test_secret_keys(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    ["secretName", "PASSWORD_FILE", "token_url", "TOKEN_TTL", "tokenizer", "password.encoder"],
)
def test_not_secret_keys(key: str) -> None:
    assert not is_secret_key(key)


# --------------------------------------------------------------------------- SECRET-010


def test_entropy_is_opt_in() -> None:
    value = _rand(40)
    text = f'blob = "{value}"\n'
    assert scan(text, "a.tf") == []
    (hit,) = scan(text, "a.tf", entropy=True)
    assert (hit.policy, hit.rule, text[hit.start : hit.end]) == (
        "SECRET-010",
        "high-entropy-base64",
        value,
    )


def test_entropy_hex() -> None:
    value = _rand(48, "0123456789abcdef")
    (hit,) = scan_entropy(f"x = '{value}'", "a.py")
    assert hit.rule == "high-entropy-hex"


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.yaml", 'ref: "' + _rand(40, "0123456789abcdef") + '"'),  # a git SHA
        ("a.yaml", 'checksum: "' + _rand(64, "0123456789abcdef") + '"'),
        ("a.yaml", 'id: "123e4567-e89b-12d3-a456-426614174000"'),
        ("a.json", '"integrity": "sha512-' + _rand(86) + '=="'),
        ("a.yaml", 'image: "nginx@sha256:' + _rand(64, "0123456789abcdef") + '"'),
        ("a.hcl", 'hashes = ["h1:' + _rand(43) + '="]'),
        ("a.yaml", 'arn: "arn:aws:iam::123456789012:role/deploy"'),
        ("a.yaml", 'cidrs: "10.0.0.0/16,10.1.0.0/16,192.168.0.0/24"'),
        ("a.yaml", 'name: "AbstractSingletonProxyFactoryBean"'),
        ("package-lock.json", '"x": "' + _rand(60) + '"'),
        ("a.json", '"key": "AAAAB3NzaC1yc2E' + _rand(60) + '"'),
    ],
)
def test_entropy_not_reported(path: str, text: str) -> None:
    assert scan_entropy(text, path) == []


def test_entropy_not_over_a_keyword_hit() -> None:
    value = _rand(40)
    text = f'api_key = "{value}"\n'
    assert [h.policy for h in scan(text, "a.tf", entropy=True)] == ["SECRET-009"]


# --------------------------------------------------------------------------- SECRET-011


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".env", "env"),
        ("svc/.env.local", "env"),
        (".env.production", "env"),
        ("deploy/prod.env", "env"),
        (".envrc", "env"),
        (".env.example", "example"),
        (".env.sample", "example"),
        ("a/.env.template", "example"),
        (".env.dist", "example"),
        (".env.production.example", "example"),
        ("env.py", None),
        (".environment", None),
        ("environment.yaml", None),
    ],
)
def test_env_file_class(path: str, kind: str | None) -> None:
    assert env_file_class(path) == kind


def test_env_assignments() -> None:
    text = (
        "# a comment\n"
        f'export SECRET_KEY="{PW}"\n'
        f"DB_PASSWORD='{PW2}' # trailing\n"
        "EMPTY=\n"
        "PORT = 8080\n"
        'MULTI="line one\nline two"\n'
        f"TOKEN={PW} # comment\n"
        "#DISABLED=1\n"
    )
    got = env_assignments(text)
    assert [(k, v) for k, v, _, _ in got] == [
        ("SECRET_KEY", PW),
        ("DB_PASSWORD", PW2),
        ("EMPTY", ""),
        ("PORT", "8080"),
        ("MULTI", "line one\nline two"),
        ("TOKEN", PW),
    ]
    assert all(text[s:e] == v for _, v, s, e in got)


def test_env_file_keyword_hits() -> None:
    text = f"SECRET_KEY={PW}\nDEBUG=true\nAPI_TOKEN=\nDB_PASSWORD=changeme\n"
    assert _found(text, ".env") == [("SECRET-009", PW)]


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x01binary", "a" * 100_000, "password:" * 5000, "://:" * 5000, ".eyJ" * 5000],
)
def test_odd_input(text: str) -> None:
    scan(text, "x.yaml", entropy=True)


def test_linear_on_hostile_input(assert_linear: Linear) -> None:
    cases = [
        lambda n: "password=" + "a" * n,
        lambda n: "a://" + "x" * n + ":" * n,
        lambda n: "eyAA-" * n,
        lambda n: '"password": "' + "\\\\" * n,
        lambda n: "--password " * n,
        lambda n: "name: DB_PASSWORD\n" * n,
    ]
    for make in cases:
        assert_linear(lambda n, make=make: scan(make(n), "x.yaml", entropy=True), 500)


# ---------------------------------------------- false positives found on real repositories
# (issue 18, point 7): each value below was reported by SECRET-009 in a public repository.


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # kubernetes-engine-samples: a NIM deployment's key, a marker a deploy step replaces
        ("deploy.yaml", '- name: NGC_API_KEY\n  value: "nv' + 'api-NVKEY"\n'),
        ("app.env", "OPENAI_API_KEY=sk-OPENAIKEY\n"),
        # prometheus config/testdata: "my" plus one secret word
        ("conf.yml", "sigv4:\n  secret_key: my" + "secret\n"),
        ("conf.yml", "password: my-pass" + "word\n"),
        ("conf.yml", "api_key: my_api" + "_key\n"),
        # prometheus documentation/examples: the alphabet and the digits, interleaved
        (
            "outscale.yml",
            "access_key: "
            + "".join(a + d for a, d in zip("ABCDEFGHIJ", "1234567890", strict=True)),
        ),
        ("app.properties", "db.password=abcd" + "1234\n"),
    ],
)
def test_real_repository_placeholders_are_not_reported(path: str, text: str) -> None:
    assert scan(text, path) == []


@pytest.mark.parametrize(
    "value",
    [
        "nv" + "api-" + _rand(40),  # the real key shape next to the marker above
        "my" + "secret" + "password",  # a well-known compose password: still reported
        "A1B2C3D4" + _rand(12),  # a pattern head, a random tail
        "abcd" + "1235",  # not a run
        "Aa12" + "345678",
    ],
)
def test_look_alikes_of_those_placeholders_are_still_reported(value: str) -> None:
    text = f"environment:\n  POSTGRES_PASSWORD: {value}\n"
    assert [text[h.start : h.end] for h in scan(text, "compose.yml")] == [value]


DOLLAR_PW = "Cl1" + "ent$ecret!"  # prometheus' test configuration


@pytest.mark.parametrize(
    ("path", "text", "found"),
    [
        # plain configuration: a bare $word is a character of the literal
        ("conf.yml", f"oauth2:\n  client_secret: {DOLLAR_PW}\n", DOLLAR_PW),
        ("app.json", json.dumps({"password": "P4" + "$$w0rd" + "99"}), "P4" + "$$w0rd" + "99"),
        ("main.tf", f'password = "{DOLLAR_PW}"\n', DOLLAR_PW),
        # where $word expands, or a template: not a literal
        ("deploy.sh", f'export PASSWORD="{DOLLAR_PW}"\n', None),
        (
            "docker-compose.yml",
            f"services:\n  db:\n    environment:\n      DB_PASSWORD: {DOLLAR_PW}\n",
            None,
        ),
        ("app.env", f"PASSWORD={DOLLAR_PW}\n", None),
        ("conf.yml", "password: abc${DB}xyz12\n", None),
        ("conf.yml", "password: pre$DB_PASSWORD\n", None),
        ("conf.yml", "password: pre$(cat /run/pw)\n", None),
    ],
)
def test_dollar_is_literal_in_plain_configuration(path: str, text: str, found: str | None) -> None:
    got = [text[h.start : h.end] for h in scan(text, path)]
    assert got == ([found] if found else [])
