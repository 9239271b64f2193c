"""GL-014: the file is what GitLab accepts, by GitLab's own schema of ``.gitlab-ci.yml``.

Not in catalog §4 (issue 21 invites it). The schema ships with the package
(``data/gitlab_ci``), so the check is offline and takes about a millisecond per file. Each
file is validated as written, includes not merged: a misspelt keyword (``scrpit``,
``enviroment``), a ``when:`` GitLab does not know, a quoted boolean; and duplicate keys,
which GitLab's YAML parser accepts silently (the last one wins). GitLab rejects such a
file and runs no pipeline at all, or (inside a template that nothing uses yet) waits for the
first job that extends it. Errors GitLab itself reports while building the pipeline (an
``extends:`` or ``needs:`` naming nothing, a bad ``!reference``) are PARSE-ERRORs already.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Violation, policy
from pytest_devops_policy.formats.gitlab_ci.pipeline import Pipeline
from pytest_devops_policy.knowledge.ci.gl_schema import schema_errors
from pytest_devops_policy.knowledge.schema_errors import dotted

MAX_REPORTED = 20


@policy(
    id="GL-014",
    name="schema-valid",
    title="GitLab CI files match GitLab's CI schema",
    severity=Severity.MEDIUM,
    rationale=(
        "GitLab validates the whole configuration before it creates a pipeline: one "
        "misspelt keyword, a when: value it does not know or a quoted boolean, and no job "
        "runs at all, tests and scans included. A key GitLab does not reject can still be "
        "misplaced (an environment one level too deep), and every other policy that read it "
        "was misled."
    ),
    remediation=(
        "Fix the key named in the message: its spelling, its nesting, or the type GitLab "
        "expects (unquoted true/false and numbers). GitLab's pipeline editor and its CI Lint "
        "API validate against the same schema."
    ),
    controls=("NIST-800-53-CM-6", "NIST-800-53-SI-10"),
    references=(
        "check-jsonschema:--builtin-schema=vendor.gitlab-ci",
        "https://docs.gitlab.com/ci/yaml/",
        "https://docs.gitlab.com/ci/yaml/lint/",
    ),
    example=(
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - pytest -q\n"
        "  when: sometimes\n"
        "  allow_failure: 'false'\n"
    ),
    use_instead=(
        "test:\n"
        "  stage: test\n"
        "  script:\n"
        "    - pytest -q\n"
        "  when: on_success\n"
        "  allow_failure: false\n"
    ),
)
def schema_valid(gl_pipeline: Pipeline) -> Iterator[Violation]:
    config = gl_pipeline.config
    for key, line in config.duplicate_keys:
        yield Violation(
            f"duplicate key {key} (line {line}): GitLab keeps the last value and ignores "
            "the earlier one without a warning",
            line=line,
        )
    errors = schema_errors(config.document, config.header, config.root)
    for error, origin in errors[:MAX_REPORTED]:
        yield Violation(
            f"{dotted(error.path, '(file)')}: {error.message}", line=origin.line, col=origin.col
        )
    if len(errors) > MAX_REPORTED:
        _, origin = errors[MAX_REPORTED]
        yield Violation(f"… and {len(errors) - MAX_REPORTED} more schema errors", line=origin.line)
