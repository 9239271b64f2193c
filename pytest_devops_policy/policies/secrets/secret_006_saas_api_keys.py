"""SECRET-006 saas-api-keys: saaS API keys are not committed."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.context import Context
from pytest_devops_policy.formats.secrets import SecretsFile
from pytest_devops_policy.knowledge.secrets.engine import findings


@policy(
    id="SECRET-006",
    name="saas-api-keys",
    title="SaaS API keys are not committed",
    severity=Severity.CRITICAL,
    rationale=(
        "Payment, e-mail, AI and observability API keys spend money, send mail as the "
        "company and read customer data. A leaked key is abused long before anyone "
        "reviews the bill."
    ),
    remediation=(
        "Revoke the key in the provider's dashboard, create a restricted key, and inject "
        "it at run time from a secret store. Test-mode keys are reported at medium: they "
        "leak account structure and still deserve rotation."
    ),
    controls=("CWE-798", "CWE-312", "NIST-800-53-IA-5(7)", "NIST-800-53-SC-28"),
    references=(
        "gitleaks:stripe-access-token",
        "gitleaks:sendgrid-api-token",
        "gitleaks:twilio-api-key",
        "gitleaks:openai-api-key",
        "gitleaks:anthropic-api-key",
        "gitleaks:huggingface-access-token",
        "gitleaks:hashicorp-tf-api-token",
        "gitleaks:vault-service-token",
        "detect-secrets:StripeDetector",
        "detect-secrets:SendGridDetector",
        "detect-secrets:TwilioKeyDetector",
        "detect-secrets:OpenAIDetector",
    ),
    example="""\
STRIPE_KEY=sk_live_3JJjVcPPljSIdTPziMkn8JrH
""",
    use_instead="""\
STRIPE_KEY=${STRIPE_KEY}
""",
)
def saas_api_keys(secrets_file: SecretsFile, context: Context) -> Iterator[Violation]:
    yield from findings(secrets_file, "SECRET-006")
