"""SECRET-005 chat-and-webhook-secrets: chat tokens and webhook URLs are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-005",
    name="chat-and-webhook-secrets",
    title="Chat tokens and webhook URLs are not committed",
    severity=Severity.HIGH,
    rationale=(
        "A chat bot token or webhook URL lets anyone post as the integration: phishing "
        "links in the team channel, fake alerts, or reading messages with a bot token's "
        "scopes."
    ),
    remediation=(
        "Regenerate the token or webhook in the chat service and read it from a secret "
        "store at run time."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:slack-bot-token",
        "gitleaks:slack-webhook-url",
        "gitleaks:discord-api-token",
        "gitleaks:telegram-bot-api-token",
        "detect-secrets:SlackDetector",
        "detect-secrets:DiscordBotTokenDetector",
        "detect-secrets:TelegramBotTokenDetector",
        "checkov:CKV_SECRET_14",
    ),
    example="""\
alerts:
  slack_webhook: https://hooks.slack.com/services/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
""",
    use_instead="""\
alerts:
  slack_webhook_secret_ref: alerting/slack-webhook
""",
)
def chat_and_webhook_secrets(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-005")
