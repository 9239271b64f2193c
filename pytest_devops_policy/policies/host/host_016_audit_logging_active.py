"""HOST-016 audit-logging-active: auditd runs, auditing is enabled, and the loaded rules watch
the identity and privilege files (catalog §8.3).

Choices the row leaves open:
* The row's notes (rules not immutable, logs neither shipped nor kept) are not failures: they
  are added to the first failure's message, and dropped when the item passes.
* A running alternative (``audit.alternatives``) passes the item whatever auditd does: its
  own rules are not verified, and auditd next to it is not judged either.
* ``auditctl -s`` also answers ``pid``: ``pid 0`` says auditd is not running even where the
  process table cannot be read.
* On images the rules on disk are judged: ``rules.d/*.rules`` when there are any (augenrules
  compiles them into ``audit.rules``), else ``audit.rules``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_devops_policy.api import Severity, Unknown, Violation, policy
from pytest_devops_policy.hosts.probe import Host, NeedsRoot
from pytest_devops_policy.knowledge.host.audit import (
    audit_rules,
    auditctl_status,
    immutable,
    key_values,
    missing_watches,
)
from pytest_devops_policy.knowledge.host.listing import LS, matching
from pytest_devops_policy.knowledge.host.services import PS, matching_processes, running

STATUS = "auditctl -s"
RULES = "auditctl -l"
AUDIT_RULES = "/etc/audit/audit.rules"
REMOTE_PLUGINS = ("/etc/audit/plugins.d/au-remote.conf", "/etc/audisp/plugins.d/au-remote.conf")


def _needs_root(host: Host, what: str) -> Unknown:
    return Unknown(f"needs root on {host.label} (run as root, or with --sudo): {what}")


def _notes(host: Host, enabled: str) -> list[str]:
    """Tamper resistance (Q87): not failures unless audit.require_immutable."""
    notes = []
    if enabled != "2" and not host.options.audit_require_immutable:
        notes.append("the rules are not immutable (no -e 2)")
    try:
        conf = key_values(host.read_text(host.path("auditd_conf")) or "")
        shipped = any(
            key_values(host.read_text(p) or "").get("active", "").lower() == "yes"
            for p in REMOTE_PLUGINS
        )
    except NeedsRoot:
        return notes
    if not shipped and conf.get("max_log_file_action", "").lower() != "keep_logs":
        notes.append(
            "audit logs are neither shipped off-host (au-remote active = yes) nor kept "
            f"(max_log_file_action = keep_logs in {host.path('auditd_conf')})"
        )
    return notes


def _with_notes(found: list[Violation], notes: list[str]) -> Iterator[Violation]:
    for i, v in enumerate(found):
        if i == 0 and notes:
            v = Violation(f"{v.message} (also: {'; '.join(notes)})", severity=v.severity)
        yield v


def _rule_findings(host: Host, text: str, where: str, enabled: str) -> list[Violation]:
    watches, controls = audit_rules(text)
    found = []
    missing = missing_watches(watches, host.options.audit_watch_paths)
    if missing:
        found.append(
            Violation(
                "the audit rules do not watch writes and attribute changes (-p wa) of "
                f"{', '.join(missing)} ({where})"
            )
        )
    locked = enabled == "2" if enabled else immutable(controls)
    if host.options.audit_require_immutable and not locked:
        found.append(
            Violation(
                "the audit rules are not immutable ("
                f"{STATUS + ': enabled ' + enabled if enabled else where + ': no final -e 2'}"
                "): a root attacker "
                "can delete them (host.audit.require_immutable)"
            )
        )
    return found


def _image(host: Host) -> Iterator[Violation | Unknown]:
    directory = host.path("audit_rules_dir")
    try:
        files = matching(host, directory, "*.rules") or [AUDIT_RULES]
        texts = [(p, host.read_text(p)) for p in files]
    except NeedsRoot as exc:
        yield _needs_root(host, exc.what)
        return
    present = [(p, t) for p, t in texts if t is not None]
    if not present:
        yield Violation(
            f"no audit rules on disk ({directory}/*.rules, {AUDIT_RULES}): auditd is not "
            "installed or has no rules"
        )
        return
    text = "\n".join(t for _, t in present)
    where = ", ".join(p for p, _ in present)
    found = _rule_findings(host, text, where, "")
    enabled = "2" if immutable(audit_rules(text)[1]) else "1"
    yield from _with_notes(found, _notes(host, enabled) if found else [])


@policy(
    id="HOST-016",
    name="audit-logging-active",
    title="auditd runs with auditing enabled and watches the identity and privilege files",
    severity=Severity.HIGH,
    rationale=(
        "Without the kernel audit trail nobody can say who changed /etc/passwd, /etc/shadow "
        "or the sudoers, or when: the first thing an intruder with root does is add an "
        "account or a sudo rule. auditd records every such write with the login uid that "
        "made it, which the session logs alone do not."
    ),
    remediation=(
        "Install and enable auditd (apt-get install auditd; systemctl enable --now auditd), "
        "add watches in /etc/audit/rules.d/50-identity.rules ('-w /etc/passwd -p wa -k "
        "identity', one line per file of host.audit.watch_paths) and load them with "
        "augenrules --load. Ship the audit log off the host (au-remote, or a log shipper). "
        "Hosts audited by another agent name it in host.audit.alternatives."
    ),
    controls=(
        "CIS-DIL-4.1.1.3",
        "CIS-DIL-4.1.2",
        "CIS-DIL-4.1.3",
        "CIS-DIL-4.1.6",
        "CIS-DIL-4.1.16",
        "CIS-DIL-4.1.19",
        "CIS-U22-6.3.1.1",
        "CIS-U22-6.3.1.2",
        "CIS-U22-6.3.2.2",
        "CIS-U22-6.3.3.1",
        "CIS-U22-6.3.3.8",
        "CIS-U22-6.3.3.20",
        "CIS-U22-6.3.3.21",
        "NIST-800-53-AU-2",
        "NIST-800-53-AU-12",
        "NIST-800-53-AU-9",
    ),
    references=(
        "stig:RHEL-09-653015",
        "stig:RHEL-09-654215",
        "stig:RHEL-09-654220",
        "stig:RHEL-09-654225",
        "stig:RHEL-09-654230",
        "stig:RHEL-09-654235",
        "stig:RHEL-09-654240",
        "stig:RHEL-09-654245",
        "stig:UBTU-22-653010",
        "stig:UBTU-22-654130",
        "stig:UBTU-22-654135",
        "stig:UBTU-22-654140",
        "stig:UBTU-22-654145",
        "stig:UBTU-22-654150",
        "stig:UBTU-22-654220",
        "stig:UBTU-22-654225",
        "dev-sec:package-08",
        "lynis:ACCT-9628",
        "lynis:ACCT-9630",
        "lynis:ACCT-9632",
        "lynis:ACCT-9634",
    ),
    example="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  612 /sbin/auditd
---
# $ auditctl -s
enabled 1
failure 1
pid 612
---
# $ auditctl -l
-w /etc/passwd -p wa -k identity
""",
    use_instead="""\
# $ ps -eo pid=,args=
    1 /sbin/init
  612 /sbin/auditd
---
# $ auditctl -s
enabled 2
failure 1
pid 612
---
# $ auditctl -l
-w /etc/passwd -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/group -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
-w /etc/sudoers -p wa -k scope
-a always,exit -F dir=/etc/sudoers.d -F perm=wa -F key=scope
""",
    commands=(
        "systemctl is-active -- auditd.service",
        "rc-service auditd status",
        PS,
        STATUS,
        RULES,
        LS.format(dir="/etc/audit/rules.d"),
    ),
    reads=(
        "host.paths.audit_rules_dir (/etc/audit/rules.d/*.rules) and /etc/audit/audit.rules "
        "(image profile)",
        "host.paths.auditd_conf (/etc/audit/auditd.conf)",
        "/etc/audit/plugins.d/au-remote.conf, /etc/audisp/plugins.d/au-remote.conf",
    ),
    needs_root=(STATUS, RULES, "/etc/audit/rules.d/*.rules", "/etc/audit/auditd.conf"),
    profiles=("server", "image"),
)
def audit_logging_active(host: Host) -> Iterator[Violation | Unknown]:
    if not host.live:
        yield from _image(host)
        return
    alternatives = matching_processes(host, host.options.audit_alternatives)
    if alternatives:
        return  # audit via another agent: its watches are not verified (a note, dropped)
    runs = running(host, ["auditd.service"], ["auditd"])
    status: dict[str, str] | None = None
    refused = ""
    if host.has("auditctl"):
        result = host.run(STATUS)
        if result.ok:
            status = auditctl_status(result.out)
        elif not host.is_root or "not permitted" in result.err or "must be root" in result.err:
            refused = STATUS
        else:
            first = (result.err.strip().splitlines() or [f"exit status {result.rc}"])[0]
            yield Unknown(f"{STATUS} failed: {first}")
            return
    if status is not None and status.get("pid") == "0":
        runs = False
    if runs is False:
        what = "auditd is not running" if host.has("auditctl") else "auditd is not installed"
        evidence = f"{STATUS}: pid 0" if status and status.get("pid") == "0" else "services"
        yield Violation(
            f"{what} ({evidence}) and no alternative of host.audit.alternatives runs: "
            "nothing records changes to accounts and privileges"
        )
        return
    if status is None:
        if refused:
            yield _needs_root(host, f"{STATUS}, {RULES}")
        elif not host.has("auditctl"):
            yield Unknown(
                f"auditctl is not on {host.label}'s PATH and whether auditd runs cannot be told"
            )
        else:
            yield Unknown(f"cannot tell whether auditd runs on {host.label}")
        return
    enabled = status.get("enabled", "")
    if enabled == "0":
        yield Violation(
            f"auditing is disabled ({STATUS}: enabled 0): auditd runs but the kernel records "
            "nothing"
        )
        return
    result = host.run(RULES)
    if not result.ok:
        first = (result.err.strip().splitlines() or [f"exit status {result.rc}"])[0]
        yield Unknown(f"{RULES} failed: {first}")
        return
    found = _rule_findings(host, result.out, RULES, enabled)
    yield from _with_notes(found, _notes(host, enabled) if found else [])
