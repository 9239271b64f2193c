"""Realistic fake secrets of every family the SECRET detectors know, built at run time.

Nothing here is a literal a secret scanner would flag: each value is generated from a seeded
random generator and the format's public prefix (split so that the source never holds it
whole), with a valid checksum where the format has one (GitHub, npm). ``fake_tree`` places
them in files of several kinds: ``.env``, a Dockerfile ``ENV``, a Kubernetes manifest, a
GitHub Actions workflow, a ``.tf``, app-config YAML, properties, a shell script, a Docker
``config.json`` and a GCP service-account key file.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
BASE32 = string.ascii_uppercase + "234567"
DIGITS = "123456789"


@dataclass(frozen=True)
class Fake:
    family: str  # what it is, for messages
    policy: str  # the SECRET policy that reports it
    value: str  # the text a report must never show
    masked: str | None = None  # the value the report masks when it is not ``value``


class Fakes:
    def __init__(self, seed: int = 18) -> None:
        self.rng = random.Random(seed)

    def rnd(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def checksummed(self, prefix: str) -> str:
        body = self.rnd(30)
        n, out = zlib.crc32(body.encode()), ""
        while n:
            n, r = divmod(n, 62)
            out = B62[r] + out
        return prefix + body + out.rjust(6, "0")

    def pem(self, kind: str = "RSA ") -> str:
        lines = [base64.b64encode(self.rng.randbytes(48)).decode() for _ in range(12)]
        armour = kind + "PRIV" + "ATE KEY-----"
        return "-----BEGIN " + armour + "\n" + "\n".join(lines) + "\n-----END " + armour

    def jwt(self) -> str:
        def seg(obj: object) -> str:
            raw = json.dumps(obj).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        claims = {"sub": "svc-" + self.rnd(6), "iat": 1700000000, "role": "admin"}
        return seg({"alg": "HS256", "typ": "JWT"}) + "." + seg(claims) + "." + self.rnd(43, URLSAFE)


def fake_secrets(seed: int = 18) -> dict[str, Fake]:
    f = Fakes(seed)
    docker_pw = f.rnd(20)
    docker_auth = base64.b64encode(b"deploy-bot:" + docker_pw.encode()).decode()
    fakes = [
        Fake("private-key", "SECRET-001", f.pem()),
        Fake("sa-private-key", "SECRET-002", f.pem("")),  # inside the service-account JSON
        Fake("aws-access-key-id", "SECRET-002", "AK" + "IA" + f.rnd(16, BASE32)),
        Fake("aws-secret-access-key", "SECRET-002", f.rnd(38, ALNUM + "/+") + "a9"),
        Fake("gcp-api-key", "SECRET-002", "AI" + "za" + f.rnd(35, URLSAFE)),
        Fake("azure-storage-key", "SECRET-002", base64.b64encode(f.rng.randbytes(64)).decode()),
        Fake("github-token", "SECRET-003", f.checksummed("gh" + "p_")),
        Fake("github-pat", "SECRET-003", "github_" + "pat_" + f.rnd(22) + "_" + f.rnd(59)),
        Fake("gitlab-token", "SECRET-003", "gl" + "pat-" + f.rnd(20, URLSAFE)),
        Fake("npm-token", "SECRET-004", f.checksummed("np" + "m_")),
        Fake("pypi-token", "SECRET-004", "py" + "pi-AgEIcHlwaS5vcmc" + f.rnd(70, URLSAFE)),
        Fake("docker-auth", "SECRET-004", docker_auth),
        Fake("docker-password", "SECRET-004", docker_pw),
        Fake(
            "slack-token",
            "SECRET-005",
            "xo" + "xb-" + f.rnd(12, DIGITS) + "-" + f.rnd(13, DIGITS) + "-" + f.rnd(24),
        ),
        Fake(
            "slack-webhook",
            "SECRET-005",
            "https://hooks.slack"
            + ".com/services/T"
            + f.rnd(10, BASE32)
            + "/B"
            + f.rnd(10, BASE32)
            + "/"
            + f.rnd(24),
        ),
        Fake(
            "discord-webhook",
            "SECRET-005",
            "https://discord" + ".com/api/webhooks/" + f.rnd(19, DIGITS) + "/" + f.rnd(68, URLSAFE),
        ),
        Fake("telegram-bot-token", "SECRET-005", f.rnd(10, DIGITS) + ":AA" + f.rnd(33, URLSAFE)),
        Fake("stripe-key", "SECRET-006", "sk_" + "live_" + f.rnd(24)),
        Fake(
            "sendgrid-key", "SECRET-006", "SG" + "." + f.rnd(22, URLSAFE) + "." + f.rnd(43, URLSAFE)
        ),
        Fake(
            "openai-key",
            "SECRET-006",
            "sk-" + "proj-" + f.rnd(74, URLSAFE) + "T3Blbk" + "FJ" + f.rnd(74, URLSAFE),
        ),
        Fake("anthropic-key", "SECRET-006", "sk-" + "ant-api03-" + f.rnd(93, URLSAFE) + "AA"),
        Fake("huggingface-token", "SECRET-006", "hf" + "_" + f.rnd(34, string.ascii_letters)),
        Fake("jwt", "SECRET-007", f.jwt()),
        Fake("url-password", "SECRET-008", "Pg" + f.rnd(14) + "7q"),
        Fake("yaml-password", "SECRET-009", "Yq" + f.rnd(12) + "-" + f.rnd(5) + "3"),
        Fake("env-password", "SECRET-009", "Ev" + f.rnd(14) + "9z"),
        Fake("properties-password", "SECRET-009", "Pr" + f.rnd(13) + "_4x"),
        Fake("shell-password", "SECRET-009", "Sh" + f.rnd(15) + "8"),
        Fake("tf-password", "SECRET-009", "Tf" + f.rnd(14) + "5w"),
        Fake("entropy", "SECRET-010", f.rnd(40)),
    ]
    return {fake.family: fake for fake in fakes}


def fake_tree(s: dict[str, Fake]) -> dict[str, str]:
    """Files (relpath -> text) holding every fake of ``s``."""
    v = {name: fake.value for name, fake in s.items()}
    indent = "\n".join("    " + line for line in v["private-key"].splitlines())
    azure = (
        "DefaultEndpointsProtocol=https;AccountName=acmeprod;Account"
        + "Key="
        + v["azure-storage-key"]
        + ";EndpointSuffix=core.windows.net"
    )
    service_account = {
        "type": "service_account",
        "project_id": "acme-prod",
        "private_key_id": Fakes(7).rnd(40, HEX),
        "private_key": v["sa-private-key"] + "\n",
        "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
        "client_id": "1" + Fakes(8).rnd(20, "0123456789"),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return {
        ".env": (
            "APP_ENV=production\n"
            f"AWS_ACCESS_KEY_ID={v['aws-access-key-id']}\n"
            f"AWS_SECRET_ACCESS_KEY={v['aws-secret-access-key']}\n"
            f"STRIPE_SECRET_KEY={v['stripe-key']}\n"
            f"SENDGRID_API_KEY={v['sendgrid-key']}\n"
            f"OPENAI_API_KEY={v['openai-key']}\n"
            f"ANTHROPIC_API_KEY={v['anthropic-key']}\n"
            f"HF_TOKEN={v['huggingface-token']}\n"
            f"DB_PASSWORD={v['env-password']}\n"
            f"DATABASE_URL=postgres://app:{v['url-password']}@db.internal:5432/app\n"
        ),
        "Dockerfile": (
            "FROM python:3.12-slim\n"
            f"ENV GITHUB_TOKEN={v['github-token']}\n"
            f'ENV GH_PAT="{v["github-pat"]}"\n'
            "USER 10001\n"
            'CMD ["python", "-m", "app"]\n'
        ),
        "deploy/k8s/app.yaml": (
            "apiVersion: v1\n"
            "kind: Secret\n"
            "metadata:\n"
            "  name: tls\n"
            "type: kubernetes.io/tls\n"
            "stringData:\n"
            "  tls.key: |\n"
            f"{indent}\n"
            "---\n"
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata:\n"
            "  name: web\n"
            "spec:\n"
            "  selector: {matchLabels: {app: web}}\n"
            "  template:\n"
            "    metadata: {labels: {app: web}}\n"
            "    spec:\n"
            "      containers:\n"
            "        - name: web\n"
            "          image: nginx:1.27\n"
            "          env:\n"
            "            - name: SLACK_BOT_TOKEN\n"
            f"              value: {v['slack-token']}\n"
        ),
        ".github/workflows/ci.yml": (
            "name: ci\n"
            "on: [push]\n"
            "permissions: {contents: read}\n"
            "jobs:\n"
            "  build:\n"
            "    runs-on: ubuntu-latest\n"
            "    env:\n"
            f"      GITLAB_TOKEN: {v['gitlab-token']}\n"
            f"      NPM_TOKEN: {v['npm-token']}\n"
            "    steps:\n"
            f"      - run: curl -X POST -d 'text=built' {v['slack-webhook']}\n"
        ),
        "infra/main.tf": (
            'resource "google_monitoring_notification_channel" "discord" {\n'
            '  type = "webhook_tokenauth"\n'
            f'  labels = {{ url = "{v["discord-webhook"]}" }}\n'
            "}\n\n"
            "locals {\n"
            f'  maps_key    = "{v["gcp-api-key"]}"\n'
            f'  storage     = "{azure}"\n'
            f'  telegram    = "{v["telegram-bot-token"]}"\n'
            "}\n\n"
            'resource "aws_db_instance" "db" {\n'
            '  engine   = "postgres"\n'
            '  username = "app"\n'
            f'  password = "{v["tf-password"]}"\n'
            "}\n"
        ),
        "config/app.yaml": (
            "server:\n"
            "  port: 8080\n"
            "auth:\n"
            f"  session_token: {v['jwt']}\n"
            "database:\n"
            "  user: app\n"
            f"  password: {v['yaml-password']}\n"
            "publish:\n"
            f"  pypi_token: {v['pypi-token']}\n"
            "signing:\n"
            f'  material: "{v["entropy"]}"\n'
        ),
        "config/app.properties": (
            "spring.datasource.username=app\n"
            f"spring.datasource.password={v['properties-password']}\n"
        ),
        "scripts/deploy.sh": (
            "#!/bin/sh\nset -eu\n"
            f"export ADMIN_PASSWORD='{v['shell-password']}'\n"
            "./deploy --env prod\n"
        ),
        ".docker/config.json": json.dumps(
            {"auths": {"registry.example.com": {"auth": v["docker-auth"]}}}, indent=2
        )
        + "\n",
        "keys/deployer-sa.json": json.dumps(service_account, indent=2) + "\n",
    }


def reported_form(fakes: dict[str, Fake], family: str) -> str:
    """The text a report masks for ``family``: the value as the file holds it (a PEM indented
    under a YAML block scalar, or JSON-escaped in a service-account key)."""
    value = fakes[family].value
    if family == "private-key":
        return value.replace("\n", "\n    ")
    if family == "sa-private-key":
        return json.dumps(value)[1:-1]
    return value


def needles(fake: Fake) -> list[str]:
    """What must never appear in any output for ``fake``: the value, its tail (a cut
    excerpt must not show it either) and, for a PEM key, each body line."""
    if "BEGIN" in fake.value:
        return [line for line in fake.value.splitlines() if "-----" not in line]
    return [fake.value, fake.value[-16:]] if len(fake.value) >= 24 else [fake.value]


# The families reported as a hit of their own (the decoded Docker password is masked as part
# of its ``auth`` value and must only never appear).
NOT_REPORTED = frozenset({"docker-password"})
