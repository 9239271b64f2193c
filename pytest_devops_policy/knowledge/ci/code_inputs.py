"""Action inputs that the action runs as code: template-injection sinks besides ``run:``.

GitHub expands ``${{ }}`` in ``with:`` values before the action starts, so an input the
action hands to a shell, an interpreter or ``eval`` is a script like ``run:``. The table lists
widely used actions whose README documents such an input, by lowercase ``owner/repo`` (a
``/path`` sub-action is matched by its full name). ``gha.code_inputs`` adds more.

| Action | Inputs run as code |
|---|---|
| actions/github-script | script (JavaScript) |
| azure/cli, azure/powershell | inlineScript |
| appleboy/ssh-action | script (on the remote host) |
| google-github-actions/ssh-compute | command, script |
| cloudflare/wrangler-action | command, preCommands, postCommands |
| nick-fields/retry, wandalen/wretry.action | command |
| cypress-io/github-action | build, start, command |
| uraimo/run-on-arch-action | run, install |
| addnab/docker-run-action | run |
| mathiasvr/command-output | run |
| jannekem/run-python-script-action | script (Python) |
| garygrossgarten/github-action-ssh | command |
| coactions/setup-xvfb, gabrielbb/xvfb-action | run |
| matlab-actions/run-command | command |
| amadevus/pwsh-script | script (PowerShell) |
| mikefarah/yq | cmd (a shell command line) |
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CODE_INPUTS", "code_inputs_of"]

CODE_INPUTS: Mapping[str, tuple[str, ...]] = {
    "actions/github-script": ("script",),
    "azure/cli": ("inlinescript",),
    "azure/powershell": ("inlinescript",),
    "appleboy/ssh-action": ("script",),
    "google-github-actions/ssh-compute": ("command", "script"),
    "cloudflare/wrangler-action": ("command", "precommands", "postcommands"),
    "nick-fields/retry": ("command",),
    "wandalen/wretry.action": ("command",),
    "cypress-io/github-action": ("build", "start", "command"),
    "uraimo/run-on-arch-action": ("run", "install"),
    "addnab/docker-run-action": ("run",),
    "mathiasvr/command-output": ("run",),
    "jannekem/run-python-script-action": ("script",),
    "garygrossgarten/github-action-ssh": ("command",),
    "coactions/setup-xvfb": ("run",),
    "gabrielbb/xvfb-action": ("run",),
    "matlab-actions/run-command": ("command",),
    "amadevus/pwsh-script": ("script",),
    "mikefarah/yq": ("cmd",),
}


def code_inputs_of(
    action: str, extra: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """The (lowercase) input names of ``action`` (``owner/repo[/path]``) that run as code."""
    name = action.lower()
    found = CODE_INPUTS.get(name, ())
    if extra:
        for pattern, inputs in extra.items():
            if pattern.lower() == name:
                found = (*found, *(i.lower() for i in inputs))
    return found
