"""One secret found in a file's text: what the SECRET detectors return and the policies report.

A ``Hit`` names the catalog policy it belongs to (``SECRET-002``), the rule that matched and
where the secret is, as offsets in the file's text. The secret itself is never part of a
message: reports show ``masking``'s mask of ``text[start:end]`` (or of ``secret`` when what
must be masked is not the raw text, such as a decoded base64 value).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Hit"]


@dataclass(frozen=True)
class Hit:
    policy: str  # "SECRET-002"
    rule: str  # short rule id, "aws-access-key-id"
    label: str  # for messages, "AWS access key id"
    start: int  # offset of the secret in the text
    end: int
    severity: str | None = None  # overrides the policy's severity ("medium": a test-mode key)
    secret: str | None = None  # what to mask when it is not text[start:end]
    note: str = ""  # why it is reported ("checksum valid"), never the value
