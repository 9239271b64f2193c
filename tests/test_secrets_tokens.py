"""Token-shaped secrets (SECRET-001…006): every family found, look-alikes and placeholders not.

Every secret here is built at run time from a seeded random generator and the format's
public prefix, so the repository holds no literal that a secret scanner (ours included)
would flag. Where a format has a checksum (GitHub, npm) the fake carries a valid one.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

import pytest

from pytest_devops_policy.knowledge.secrets.hits import Hit
from pytest_devops_policy.knowledge.secrets.tokens import checksum_ok, looks_fake, scan

RNG = random.Random(18)
ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"
BASE32 = string.ascii_uppercase + "234567"


def rnd(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def b62(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(6, "0")


def checksummed(prefix: str) -> str:
    body = rnd(30)
    return prefix + body + b62(zlib.crc32(body.encode()))


def pem(kind: str = "RSA ", lines: int = 12) -> str:
    body = "\n".join(base64.b64encode(RNG.randbytes(48)).decode() for _ in range(lines))
    head = "-----BEGIN " + kind + "PRIVATE" + " KEY-----"
    return head + "\n" + body + "\n-----END " + kind + "PRIVATE" + " KEY-----\n"


def openssh(cipher: bytes) -> str:
    raw = b"openssh-key-v1\0" + len(cipher).to_bytes(4, "big") + cipher + RNG.randbytes(300)
    b = base64.b64encode(raw).decode()
    body = "\n".join(b[i : i + 70] for i in range(0, len(b), 70))
    kind = "OPENSSH "
    return (
        "-----BEGIN "
        + kind
        + "PRIVATE"
        + " KEY-----\n"
        + body
        + "\n-----END OPENSSH PRIVATE KEY-----"
    )


def rules(text: str, path: str = "config.yaml") -> list[tuple[str, str]]:
    return [(h.policy, h.rule) for h in scan(text, path)]


def only(text: str, path: str = "config.yaml") -> Hit:
    hits = scan(text, path)
    assert len(hits) == 1, hits
    return hits[0]


def secret_of(text: str, hit: Hit) -> str:
    return hit.secret if hit.secret is not None else text[hit.start : hit.end]


# --- true positives --------------------------------------------------------------------

AWS_ID = "AKIA" + rnd(16, BASE32)
AWS_SECRET = rnd(38, ALNUM + "/+") + "a9"
GITHUB = checksummed("gh" + "p_")
NPM = checksummed("np" + "m_")

POSITIVES: list[tuple[str, str, str, str]] = [
    # (policy, rule, text, the secret expected at the hit)
    ("SECRET-001", "private-key", "key: |\n" + pem(), ""),
    ("SECRET-001", "private-key", pem("EC "), ""),
    ("SECRET-001", "private-key", pem(""), ""),
    ("SECRET-001", "private-key", openssh(b"none"), ""),
    (
        "SECRET-001",
        "age-secret-key",
        "AGE-SECRET-" + "KEY-1" + rnd(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
        "",
    ),
    ("SECRET-002", "aws-access-key-id", f"aws_access_key_id = {AWS_ID}\n", AWS_ID),
    ("SECRET-002", "aws-access-key-id", "id: ASIA" + rnd(16, BASE32), ""),
    ("SECRET-002", "aws-secret-access-key", f"aws_secret_access_key = {AWS_SECRET}\n", AWS_SECRET),
    ("SECRET-002", "aws-secret-access-key", f'"SecretAccessKey": "{AWS_SECRET}"', AWS_SECRET),
    ("SECRET-002", "gcp-api-key", "key=AI" + "za" + rnd(35, URLSAFE), ""),
    ("SECRET-002", "gcp-oauth-client-secret", "GOC" + "SPX-" + rnd(28, URLSAFE), ""),
    (
        "SECRET-002",
        "azure-storage-account-key",
        "DefaultEndpointsProtocol=https;AccountName=x;Account"
        + "Key="
        + base64.b64encode(RNG.randbytes(64)).decode()
        + ";EndpointSuffix=core.windows.net",
        "",
    ),
    (
        "SECRET-002",
        "azure-shared-access-key",
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccess"
        + "Key="
        + base64.b64encode(RNG.randbytes(32)).decode(),
        "",
    ),
    (
        "SECRET-002",
        "azure-sas-signature",
        "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01&"
        + "sig="
        + rnd(43, ALNUM)
        + "%3D",
        "",
    ),
    (
        "SECRET-002",
        "azure-ad-client-secret",
        "secret: " + rnd(3) + "8Q~" + rnd(34, URLSAFE + "~."),
        "",
    ),
    ("SECRET-003", "github-token", f"token: {GITHUB}", GITHUB),
    ("SECRET-003", "github-fine-grained-pat", "github_" + "pat_" + rnd(22) + "_" + rnd(59), ""),
    ("SECRET-003", "gitlab-token", "GL_TOKEN=gl" + "pat-" + rnd(20, URLSAFE), ""),
    ("SECRET-003", "gitlab-token", "runner: gl" + "rt-" + rnd(20, URLSAFE), ""),
    ("SECRET-003", "gitlab-token", "t: gl" + "dt-" + rnd(20, URLSAFE), ""),
    ("SECRET-003", "atlassian-token", "BITBUCKET_APP_PASSWORD=AT" + "BB" + rnd(32), ""),
    ("SECRET-003", "circleci-token", "CCI" + "PAT_" + rnd(22) + "_" + rnd(40, HEX), ""),
    ("SECRET-003", "circleci-token", "circle_token: " + rnd(40, HEX), ""),
    ("SECRET-003", "travis-token", "TRAVIS_API_TOKEN=" + rnd(22, URLSAFE), ""),
    ("SECRET-003", "bitbucket-app-password", "bitbucket_app_password: " + rnd(20), ""),
    ("SECRET-004", "npm-token", f"//registry.npmjs.org/:_authToken={NPM}\n", NPM),
    ("SECRET-004", "npmrc-auth", "//npm.example.com/:_authToken=" + rnd(24, HEX) + "\n", ""),
    ("SECRET-004", "pypi-token", "password = py" + "pi-AgEIcHlwaS5vcmc" + rnd(70, URLSAFE), ""),
    ("SECRET-004", "rubygems-token", "GEM_HOST_API_KEY=ruby" + "gems_" + rnd(48, HEX), ""),
    (
        "SECRET-004",
        "nuget-api-key",
        "apikey: oy" + "2" + rnd(43, string.ascii_lowercase + string.digits),
        "",
    ),
    (
        "SECRET-004",
        "docker-config-auth",
        json.dumps(
            {"auths": {"ghcr.io": {"auth": base64.b64encode(b"bot:" + rnd(20).encode()).decode()}}}
        ),
        "",
    ),
    (
        "SECRET-005",
        "slack-token",
        "SLACK_BOT_TOKEN=xo"
        + "xb-"
        + rnd(12, "123456789")
        + "-"
        + rnd(13, "123456789")
        + "-"
        + rnd(24),
        "",
    ),
    (
        "SECRET-005",
        "slack-app-token",
        "xa" + "pp-1-A" + rnd(10, BASE32) + "-" + rnd(13, "123456789") + "-" + rnd(64, HEX),
        "",
    ),
    (
        "SECRET-005",
        "slack-webhook",
        "url: https://hooks.slack"
        + ".com/services/T"
        + rnd(10, BASE32)
        + "/B"
        + rnd(10, BASE32)
        + "/"
        + rnd(24),
        "",
    ),
    (
        "SECRET-005",
        "teams-webhook",
        "https://contoso.webhook.office"
        + ".com/webhookb2/"
        + "1b2c3d4e-0000-4000-8000-0123456789ab@"
        + "9f8e7d6c-1111-4111-8111-ba9876543210/IncomingWebhook/"
        + rnd(32, HEX)
        + "/2a3b4c5d-2222-4222-8222-abcdefabcdef",
        "",
    ),
    (
        "SECRET-005",
        "discord-webhook",
        "https://discord" + ".com/api/webhooks/" + rnd(19, "123456789") + "/" + rnd(68, URLSAFE),
        "",
    ),
    (
        "SECRET-005",
        "discord-bot-token",
        "DISCORD_TOKEN="
        + base64.b64encode(rnd(18, "123456789").encode()).decode().rstrip("=")
        + "."
        + rnd(6, URLSAFE)
        + "."
        + rnd(38, URLSAFE),
        "",
    ),
    (
        "SECRET-005",
        "telegram-bot-token",
        "bot: " + rnd(10, "123456789") + ":AA" + rnd(33, URLSAFE),
        "",
    ),
    (
        "SECRET-005",
        "telegram-bot-token",
        "TELEGRAM_TOKEN=" + rnd(9, "123456789") + ":" + rnd(35, URLSAFE),
        "",
    ),
    ("SECRET-006", "stripe-key", "STRIPE_KEY=sk_" + "live_" + rnd(24), ""),
    ("SECRET-006", "stripe-key", "rk_" + "live_" + rnd(99), ""),
    ("SECRET-006", "stripe-webhook-secret", "whsec" + "_" + rnd(32), ""),
    ("SECRET-006", "sendgrid-api-key", "SG" + "." + rnd(22, URLSAFE) + "." + rnd(43, URLSAFE), ""),
    ("SECRET-006", "twilio-api-key", "SK" + rnd(32, HEX), ""),
    ("SECRET-006", "twilio-auth-token", "TWILIO_AUTH_TOKEN=" + rnd(32, HEX), ""),
    ("SECRET-006", "mailchimp-api-key", "apikey: " + rnd(32, HEX) + "-us" + "14", ""),
    (
        "SECRET-006",
        "openai-api-key",
        "OPENAI_API_KEY=sk-" + rnd(20) + "T3Blbk" + "FJ" + rnd(20),
        "",
    ),
    (
        "SECRET-006",
        "openai-api-key",
        "sk-" + "proj-" + rnd(74, URLSAFE) + "T3Blbk" + "FJ" + rnd(74, URLSAFE),
        "",
    ),
    ("SECRET-006", "openai-api-key", "sk-" + "svcacct-" + rnd(60, URLSAFE), ""),
    ("SECRET-006", "anthropic-api-key", "sk-" + "ant-api03-" + rnd(93, URLSAFE) + "AA", ""),
    ("SECRET-006", "anthropic-api-key", "sk-" + "ant-admin01-" + rnd(93, URLSAFE) + "AA", ""),
    ("SECRET-006", "huggingface-token", "HF_TOKEN=hf" + "_" + rnd(34, string.ascii_letters), ""),
    ("SECRET-006", "datadog-key", "DD_API_KEY=" + rnd(32, HEX), ""),
    ("SECRET-006", "datadog-key", "datadog:\n  app_key: " + rnd(40, HEX) + "\n", ""),
    (
        "SECRET-006",
        "newrelic-key",
        "key: NR" + "AK-" + rnd(27, string.ascii_uppercase + string.digits),
        "",
    ),
    ("SECRET-006", "sentry-token", "SENTRY_AUTH_TOKEN=sntry" + "u_" + rnd(64, HEX), ""),
    ("SECRET-006", "doppler-token", "DOPPLER_TOKEN=dp" + ".st." + rnd(40), ""),
    (
        "SECRET-006",
        "terraform-cloud-token",
        'token = "' + rnd(14) + ".atlas" + "v1." + rnd(67) + '"',
        "",
    ),
    ("SECRET-006", "vault-token", "VAULT_TOKEN=hv" + "s." + rnd(90, URLSAFE), ""),
    ("SECRET-006", "digitalocean-token", "do" + "p_v1_" + rnd(64, HEX), ""),
]


@pytest.mark.parametrize(
    ("policy", "rule", "text", "secret"),
    POSITIVES,
    ids=[f"{p[0]}-{p[1]}-{i}" for i, p in enumerate(POSITIVES)],
)
def test_found(policy: str, rule: str, text: str, secret: str) -> None:
    hit = only(text)
    assert (hit.policy, hit.rule) == (policy, rule)
    assert 0 <= hit.start < hit.end <= len(text)
    if secret:
        assert secret_of(text, hit) == secret
    # the note never carries the value
    assert secret_of(text, hit) not in hit.note


# --- false positives ---------------------------------------------------------------------

NEGATIVES: list[str] = [
    # placeholders and documentation examples
    "AKIA" + "IOSFODNN7" + "EXAMPLE",
    "AKIA" + "X" * 16,
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "token: gh" + "p_" + "x" * 36,
    "token: gh" + "p_" + "your_token_here_" + "0" * 20,
    "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}",
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    "//registry.npmjs.org/:_authToken=<your-token>",
    "npm_" + "a" * 36,
    "STRIPE_KEY=sk_" + "live_" + "x" * 24,
    "STRIPE_KEY=sk_" + "test_" + "abcdefghijklmnopqrstuvwx",
    "SLACK=xo" + "xb-your-bot-token",
    "https://hooks.slack" + ".com/services/T00000000/B00000000/" + "X" * 24,
    "DD_API_KEY=" + "0123456789abcdef" * 2,
    "OPENAI_API_KEY=sk-...",
    "OPENAI_API_KEY=sk-" + "proj-" + "x" * 40,
    # public material
    "-----BEGIN CERTIFICATE-----\n"
    + base64.b64encode(RNG.randbytes(300)).decode()
    + "\n-----END CERTIFICATE-----",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rnd(43) + " user@host",
    "-----BEGIN PUBLIC KEY-----\n"
    + base64.b64encode(RNG.randbytes(200)).decode()
    + "\n-----END PUBLIC KEY-----",
    "image: python@sha256:" + rnd(64, HEX),
    "uses: actions/checkout@" + rnd(40, HEX),
    # key armour without a key body (docs, templates)
    "-----BEGIN RSA " + "PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    "tls.key: |\n  -----BEGIN "
    + "PRIVATE KEY-----\n  {{ .Values.tls.key }}\n  -----END PRIVATE KEY-----",
    'const h = "-----BEGIN ' + 'PRIVATE KEY-----" + body + "-----END PRIVATE KEY-----"',
    # look-alikes
    "sk-ant-not-a-key",
    "SKU" + rnd(32, HEX),
    "version: " + rnd(32, HEX) + "-usage",
    "region: us-east-1\nbucket: my-bucket-us-east-1",
    "glpat-short",
    "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${KEY}",
    "https://example.com/download?sig=" + rnd(43),  # a sig= outside a SAS URL
    "datadog:\n  site: datadoghq.eu\n  api_key_secret_name: dd-secret\n",
    "circle_token: ${CIRCLE_TOKEN}",
    json.dumps({"auths": {"ghcr.io": {"auth": base64.b64encode(b"user:${PASSWORD}").decode()}}}),
    json.dumps({"auths": {"ghcr.io": {"auth": ""}}}),
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
    + "KBHBeksoGMGw==;",
    # SOPS ciphertext
    "password: ENC[AES256_GCM,data:"
    + "AKIA"
    + rnd(16, BASE32)
    + ",iv:"
    + rnd(44, B64)
    + ",type:str]",
]


@pytest.mark.parametrize("text", NEGATIVES, ids=[f"neg{i}" for i in range(len(NEGATIVES))])
def test_not_found(text: str) -> None:
    assert scan(text, "config.yaml") == []


# --- severities, checksums, encodings ------------------------------------------------------


def test_checksum_helper() -> None:
    assert checksum_ok(GITHUB[4:])
    assert checksum_ok(NPM[4:])
    broken = GITHUB[:-1] + ("A" if GITHUB[-1] != "A" else "B")
    assert not checksum_ok(broken[4:])


def test_github_checksum_valid_is_critical_invalid_is_medium() -> None:
    good = only(f"t: {GITHUB}")
    assert good.severity is None and good.note == "checksum valid"
    broken = GITHUB[:-1] + ("A" if GITHUB[-1] != "A" else "B")
    bad = only(f"t: {broken}")
    assert bad.severity == "medium" and "checksum" in bad.note
    npm_bad = only("n" + "pm_" + rnd(36))
    assert npm_bad.policy == "SECRET-004" and npm_bad.severity == "medium"


def test_encrypted_keys_are_high() -> None:
    assert only(pem("ENCRYPTED ")).severity == "high"
    legacy = pem("RSA ").replace(
        "KEY-----\n", "KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n", 1
    )
    assert only(legacy).severity == "high"
    assert only(openssh(b"aes256-ctr")).severity == "high"
    assert only(openssh(b"none")).severity is None


def test_pem_inside_json_string() -> None:
    key = pem("").replace("\n", "\\n")
    text = '{"tls_key": "' + key + '"}'
    hit = only(text)
    assert hit.rule == "private-key" and text[hit.start : hit.end].startswith("-----BEGIN")


def test_base64_pem_in_yaml_value_is_decoded() -> None:
    encoded = base64.b64encode(pem("EC ").encode()).decode()
    text = "apiVersion: v1\nkind: Config\nusers:\n- user:\n    client-key-data: " + encoded + "\n"
    hit = only(text)
    assert (hit.policy, hit.rule) == ("SECRET-001", "private-key-base64")
    assert hit.secret == encoded == text[hit.start : hit.end]
    cert = base64.b64encode(
        (
            "-----BEGIN CERTIFICATE-----\n"
            + base64.b64encode(RNG.randbytes(200)).decode()
            + "\n-----END CERTIFICATE-----"
        ).encode()
    ).decode()
    assert scan("certificate-authority-data: " + cert, "kubeconfig") == []


def test_gcp_service_account_json_is_one_cloud_key_hit() -> None:
    doc = {
        "type": "service_account",
        "project_id": "demo",
        "private_key_id": rnd(40, HEX),
        "private_key": pem(""),
        "client_email": "sa@demo.iam.gserviceaccount.com",
    }
    text = json.dumps(doc, indent=2)
    hit = only(text, "sa.json")
    assert (hit.policy, hit.rule) == ("SECRET-002", "gcp-service-account-key")


def test_aws_secret_next_to_key_id_without_keyword() -> None:
    text = f"[default]\nkey = {AWS_ID}\nvalue = {AWS_SECRET}\n"
    assert rules(text) == [
        ("SECRET-002", "aws-access-key-id"),
        ("SECRET-002", "aws-secret-access-key"),
    ]


def test_stripe_test_mode_is_medium() -> None:
    hit = only("sk_" + "test_" + rnd(24))
    assert hit.severity == "medium"
    assert only("sk_" + "live_" + rnd(24)).severity is None


def test_docker_auth_is_the_base64_value() -> None:
    auth = base64.b64encode(b"ci-bot:" + rnd(24).encode()).decode()
    text = json.dumps({"auths": {"registry.example.com": {"auth": auth}}})
    hit = only(text, ".docker/config.json")
    assert text[hit.start : hit.end] == auth and hit.note == "base64 decodes to user:password"
    escaped = '{\\"auths\\":{\\"r.io\\":{\\"auth\\":\\"' + auth + '\\"}}}'
    assert only("DOCKER_AUTH_CONFIG: " + escaped).rule == "docker-config-auth"


def test_putty_key() -> None:
    private = base64.b64encode(RNG.randbytes(120)).decode()
    text = (
        "PuTTY-User-"
        + "Key-File-3: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\n"
        + base64.b64encode(RNG.randbytes(51)).decode()
        + "\n"
        + rnd(10)
        + "\nPrivate-Lines: 2\n"
        + private[:64]
        + "\n"
        + private[64:]
        + "\nPrivate-MAC: "
        + rnd(64, HEX)
        + "\n"
    )
    hit = only(text, "k.ppk")
    assert hit.rule == "putty-key" and hit.severity is None
    assert only(text.replace("Encryption: none", "Encryption: aes256-cbc")).severity == "high"


def test_several_hits_in_text_order_and_offsets() -> None:
    text = f"a: {GITHUB}\nb: {AWS_ID}\nc: hf_" + rnd(34, string.ascii_letters) + "\n"
    hits = scan(text, "x.env")
    assert [h.policy for h in hits] == ["SECRET-003", "SECRET-002", "SECRET-006"]
    assert text[hits[0].start : hits[0].end] == GITHUB


def test_looks_fake() -> None:
    assert looks_fake("x" * 36)
    assert looks_fake("abcdefghij" + rnd(20))
    assert looks_fake("YOUR_TOKEN_HERE_" + rnd(10))
    assert not looks_fake(rnd(36))


def test_binary_and_odd_text_do_not_crash() -> None:
    junk = "".join(chr(RNG.randrange(0, 0x2FF)) for _ in range(20000))
    scan(junk, "blob.bin")
    scan("-----BEGIN " + "PRIVATE KEY-----" * 500, "x")
    scan("LS0tLS1CRUdJTi" + "A" * 5000, "x")
    scan("sig=" * 3000, "x")
