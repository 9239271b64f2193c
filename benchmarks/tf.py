"""Per-file cost of the Terraform kind, against Checkov ``--framework terraform`` (issue 17).

``python benchmarks/tf.py TREE [--checkov PATH] [--repeat K] [--json PATH]``

* ours: every Terraform file the plugin would collect under TREE (``.tf``, ``.tf.json``) is
  read and parsed once through the run's parse cache (the module index reads the other files
  of the module, tfvars included, from it), adjusted as the plugin does (override files,
  resources that local module calls create, registry stand-ins) and judged by every built-in
  TF policy, in this process (no pytest; the engine's own ``analyse``), after one warm-up pass
  that imports the parsers and the policies. CPU time (``time.process_time``), best of K
  passes, divided by the number of files.
* Checkov: ``checkov -d TREE --framework terraform --skip-download --quiet -o json`` as one
  child process; its CPU time (user + sys, from ``os.wait4``), best of K, divided by the same
  number. Checkov's start-up is part of its cost, as ours would be for a one-off run (the
  plugin's own start-up is about 0.9 s, see ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import discover  # sibling scripts, not a package
from gha import child_cpu, in_process


def terraform_files(tree: Path) -> list[Path]:
    return [p for p, kind in discover(tree) if kind == "terraform"]


def ours(tree: Path, files: list[Path], repeat: int) -> dict[str, Any]:
    out = in_process(tree, files, "terraform", repeat)
    out["ms_per_file"] = out.pop("per_file_ms")
    return out


def checkov(exe: str, tree: Path, files: list[Path], repeat: int) -> dict[str, Any]:
    cmd = [exe, "-d", str(tree), "--framework", "terraform", "--skip-download", "--quiet"]
    out = child_cpu([*cmd, "-o", "json"], len(files), repeat)
    out["ms_per_file"] = out.pop("per_file_ms")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--checkov", default=shutil.which("checkov"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tree = args.tree.resolve()
    files = terraform_files(tree)
    if not files:
        print(f"no Terraform files under {tree}", file=sys.stderr)
        return 2
    out: dict[str, Any] = {"tree": str(tree), "files": len(files)}
    out["ours"] = ours(tree, files, args.repeat)
    if args.checkov:
        out["checkov"] = checkov(args.checkov, tree, files, args.repeat)
        out["ratio_checkov_over_ours"] = out["checkov"]["best_cpu_s"] / out["ours"]["best_cpu_s"]
    else:
        out["checkov"] = "not found (pip install checkov, or --checkov PATH)"
    print(
        f"{len(files)} Terraform files, {out['ours']['policies']} TF policies: "
        f"ours {out['ours']['ms_per_file']:.2f} ms CPU per file"
        + (
            f", checkov {out['checkov']['ms_per_file']:.2f} ms "
            f"(checkov / ours = {out['ratio_checkov_over_ours']:.1f})"
            if isinstance(out["checkov"], dict)
            else f"; checkov: {out['checkov']}"
        )
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
