"""Per-workflow cost of the GitHub Actions kind, against zizmor ``--offline`` (issue 16).

``python benchmarks/gha.py TREE [--zizmor PATH] [--repeat K] [--json PATH]``

* ours: every workflow file the plugin would collect under TREE is read and parsed once (the
  run's parse cache, shared with the workflow index) and judged by every built-in GHA policy, in
  this process (no pytest; the engine's own ``analyse``), after one warm-up pass that imports
  the parser and the policies; the file reads count. CPU time (``time.process_time``),
  best of K passes, divided by the number of workflows.
* zizmor: ``zizmor --offline --no-exit-codes --format plain`` on the same files, as one child
  process; its CPU time (user + sys of the child, from ``os.wait4``), best of K, divided by the
  same number. zizmor's process start is part of its cost, as ours would be for a one-off run;
  with hundreds of workflows it is a small share.

The repository-level policies (one item per repository) are left out of the per-workflow figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import discover  # a sibling script, not a package


def workflows(tree: Path) -> list[Path]:
    return [p for p, kind in discover(tree) if kind == "github-actions"]


def in_process(tree: Path, files: list[Path], kind: str, repeat: int) -> dict[str, Any]:
    """Every built-in policy of ``kind`` (and those its subjects borrow) over ``files``, in
    this process, through the run's parse cache and the engine's own ``analyse``, as the
    plugin does; CPU time, best of ``repeat`` after a warm-up pass. Shared with ``tf.py``."""
    from pytest_devops_policy import kinds
    from pytest_devops_policy.context import Context, ParseCache
    from pytest_devops_policy.engine.analysis import analyse
    from pytest_devops_policy.engine.registry import PolicySet
    from pytest_devops_policy.model import ParseError
    from pytest_devops_policy.options import Options
    from pytest_devops_policy.policies import builtin_policies

    chosen = tuple(p for p in builtin_policies() if p.kind == kind)
    by_subject: dict[str, list[Any]] = {}
    for p in chosen:
        by_subject.setdefault(p.subject, []).append(p)
    for spec in kinds.borrowing_subjects():  # composite actions, provider/module blocks
        lent = by_subject.get(spec.borrows, ())
        by_subject.setdefault(spec.param, []).extend(
            p for p in lent if kinds.judges(p.subject, p.id, spec.param)
        )
    policies = PolicySet(chosen, {k: tuple(v) for k, v in by_subject.items()})
    fmt = kinds.by_name(kind).format
    options = Options.from_flat({}, kinds.option_classes())

    def one_pass() -> tuple[float, int, int]:
        cache = ParseCache(str(tree), [str(tree)], options=options)
        context = Context(options, cache)
        items = findings = 0
        start = time.process_time()
        for path in files:
            # Through the run's parse cache, as the plugin does: the kind's index (reusable
            # workflows, a Terraform module's other files) reads the same parsed files.
            parsed = cache.get(str(path), kind)
            if isinstance(parsed, ParseError):
                continue
            parsed = fmt.adjust(parsed, context)
            result = analyse(parsed, policies, context)
            for resource in result.resources:
                items += len(resource.outcomes)
                findings += sum(len(o.violations) for o in resource.outcomes)
        return time.process_time() - start, items, findings

    one_pass()  # imports, compiled regexes, first-use caches
    runs = [one_pass() for _ in range(repeat)]
    best = min(r[0] for r in runs)
    return {
        "policies": len(chosen),
        "cpu_s": [r[0] for r in runs],
        "best_cpu_s": best,
        "per_file_ms": 1000 * best / max(len(files), 1),
        "outcomes": runs[0][1],
        "violations": runs[0][2],
    }


def ours(tree: Path, files: list[Path], repeat: int) -> dict[str, Any]:
    out = in_process(tree, files, "github-actions", repeat)
    out["ms_per_workflow"] = out.pop("per_file_ms")
    return out


def child_cpu(cmd: list[str], files: int, repeat: int) -> dict[str, Any]:
    """A peer tool run as one child process, K times: its CPU time (user + sys, from
    ``os.wait4``) and wall time; exit status 0 or 1 (findings) is success. Shared with
    ``tf.py``."""
    runs: list[float] = []
    walls: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{Path(cmd[0]).name} failed: {' '.join(cmd[:4])} … (status {status})")
        runs.append(usage.ru_utime + usage.ru_stime)
    best = min(runs)
    return {
        "cpu_s": runs,
        "wall_s": walls,
        "best_cpu_s": best,
        "per_file_ms": 1000 * best / max(files, 1),
    }


def zizmor(exe: str, files: list[Path], repeat: int) -> dict[str, Any]:
    cmd = [exe, "--offline", "--no-exit-codes", "--format", "plain", *map(str, files)]
    out = child_cpu(cmd, len(files), repeat)
    out["ms_per_workflow"] = out.pop("per_file_ms")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--zizmor", default=shutil.which("zizmor"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tree = args.tree.resolve()
    files = workflows(tree)
    if not files:
        print(f"no workflows under {tree}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {"tree": str(tree), "workflows": len(files)}
    out["ours"] = ours(tree, files, args.repeat)
    if args.zizmor:
        out["zizmor"] = zizmor(args.zizmor, files, args.repeat)
        out["ratio_zizmor_over_ours"] = out["zizmor"]["best_cpu_s"] / out["ours"]["best_cpu_s"]
    else:
        out["zizmor"] = "not found (pip install zizmor, or --zizmor PATH)"
    print(
        f"{len(files)} workflows, {out['ours']['policies']} GHA policies: "
        f"ours {out['ours']['ms_per_workflow']:.2f} ms CPU per workflow"
        + (
            f", zizmor --offline {out['zizmor']['ms_per_workflow']:.2f} ms "
            f"(zizmor / ours = {out['ratio_zizmor_over_ours']:.2f})"
            if isinstance(out["zizmor"], dict)
            else f"; zizmor: {out['zizmor']}"
        )
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
