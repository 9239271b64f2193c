"""TF-022 with tf.require_cloudtrail (catalog §5.3): a root module with an aws provider needs a
trail somewhere in the tree. The tree search, its result-cache token and the run's --ignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_devops_policy import kinds
from pytest_devops_policy.context import Context, ParseCache
from pytest_devops_policy.discovery import Excludes
from pytest_devops_policy.indexes.terraform_trails import cache_token, tf_tree, trail_search
from pytest_devops_policy.model import ParseError
from pytest_devops_policy.options import Options

ROOT = """\
terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "app.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"
}
"""
QUEUE = 'resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n'
TRAIL = """\
resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "acme-cloudtrail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = "arn:aws:kms:eu-west-1:111122223333:key/trail"
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*"
}
"""
ON = {"tf.require_cloudtrail": True}


def _tree(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "main.tf").write_text(ROOT)
    (root / "app" / "queue.tf").write_text(QUEUE)
    (root / "org").mkdir()


def _cache(root: Path, settings: dict[str, object] = ON) -> tuple[ParseCache, Context]:
    options = Options.from_flat(settings, kinds.option_classes())
    cache = ParseCache(str(root), [str(root)], options=options)
    return cache, Context(options, cache)


def test_the_walk_skips_terraform_caches_dot_directories_and_ignored_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    for skipped in (".terraform/modules/trail", ".git/x", "node_modules/m", "build"):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "trail.tf").write_text(TRAIL)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "trail.tf").write_text(TRAIL)
    cache, _ = _cache(tmp_path)
    cache.excludes = Excludes(paths=(str((tmp_path / "legacy").resolve()),))
    tree = tf_tree(cache)
    assert sorted(Path(m).name for m in tree.modules) == ["app"]
    assert tree.mentions == ()
    assert trail_search(cache).found is None
    # Without the --ignore, the legacy stack's trail counts.
    cache, _ = _cache(tmp_path)
    found = trail_search(cache).found
    assert found is not None and found.what == "aws_cloudtrail.main (legacy/trail.tf:1)"


def test_only_files_that_may_carry_the_module_item_get_the_tree_token(tmp_path: Path) -> None:
    _tree(tmp_path)
    main, queue = str(tmp_path / "app" / "main.tf"), str(tmp_path / "app" / "queue.tf")
    cache, context = _cache(tmp_path)
    token = cache_token(main, cache)
    assert token and cache_token(queue, cache) == ""  # queue.tf: no terraform block, not first
    fmt = kinds.by_name("terraform").format
    assert fmt.cache_token(main, context) == token
    _, off = _cache(tmp_path, {})
    assert fmt.cache_token(main, off) == ""  # option off: per-module caching only


def test_the_token_changes_with_any_tf_file_of_the_tree(tmp_path: Path) -> None:
    _tree(tmp_path)
    main = str(tmp_path / "app" / "main.tf")
    before = cache_token(main, _cache(tmp_path)[0])
    assert cache_token(main, _cache(tmp_path)[0]) == before  # deterministic
    (tmp_path / "org" / "trail.tf").write_text(TRAIL)
    with_trail = cache_token(main, _cache(tmp_path)[0])
    assert with_trail != before
    (tmp_path / "org" / "trail.tf").write_text(TRAIL.replace("{\n", "{\n  count = 0\n", 1))
    assert cache_token(main, _cache(tmp_path)[0]) not in (before, with_trail)


def test_a_file_that_mentions_a_trail_but_does_not_parse_is_cannot_tell(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "org" / "trail.tf").write_text(TRAIL.replace("{\n", "{{\n", 1))
    search = trail_search(_cache(tmp_path)[0])
    assert search.found is None
    assert [c.what for c in search.undecided()] == ["org/trail.tf"]


def test_a_trail_modules_tfvars_are_part_of_the_token(tmp_path: Path) -> None:
    _tree(tmp_path)
    trail = TRAIL.replace("{\n", "{\n  count = var.on ? 1 : 0\n", 1)
    (tmp_path / "org" / "trail.tf").write_text(trail + 'variable "on" {\n  type = bool\n}\n')
    main = str(tmp_path / "app" / "main.tf")
    cache, _ = _cache(tmp_path)
    before = cache_token(main, cache)
    assert trail_search(cache).found is None and trail_search(cache).undecided()
    (tmp_path / "org" / "terraform.tfvars").write_text("on = true\n")
    cache, _ = _cache(tmp_path)
    assert cache_token(main, cache) != before
    assert trail_search(cache).found is not None


RUN = ("--devops-policy-only", "--devops-policy-select=TF-022", "-rA")


@pytest.fixture
def stack(pytester: pytest.Pytester) -> pytest.Pytester:
    _tree(pytester.path)
    pytester.makepyprojecttoml("[tool.devops-policy.tf]\nrequire_cloudtrail = true\n")
    return pytester


def test_a_root_without_a_trail_fails_with_where_the_search_looked(
    stack: pytest.Pytester,
) -> None:
    result = stack.runpytest(*RUN, "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '*provider "aws" (app/main.tf:11) in a root module, and no aws_cloudtrail in the '
            "1 Terraform module under */ (the rootdir)*",
        ]
    )


def test_a_warm_run_sees_a_trail_added_in_another_module(stack: pytest.Pytester) -> None:
    stack.runpytest(*RUN).assert_outcomes(failed=1)
    stack.runpytest(*RUN).assert_outcomes(failed=1)  # from the result cache
    (stack.path / "org" / "main.tf").write_text(TRAIL)
    stack.runpytest(*RUN).assert_outcomes(passed=2)  # the root's item and the trail's own
    stack.runpytest(*RUN, "--ignore=org").assert_outcomes(failed=1)  # --ignore hides it


def test_the_option_off_gives_no_module_item(stack: pytest.Pytester) -> None:
    stack.makepyprojecttoml("[tool.devops-policy.tf]\nrequire_cloudtrail = false\n")
    result = stack.runpytest(*RUN, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


# --------------------------------------------------------------------------- both parsers

GOLDEN = Path(__file__).parent / "golden" / "TF-022"
DIRECTORY_CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _findings(case: Path, parser: str) -> list[tuple[object, ...]]:
    from pytest_devops_policy.engine.evaluate import evaluate
    from pytest_devops_policy.policies import builtin_by_id
    from pytest_devops_policy.testing import golden_case

    policy = builtin_by_id()["TF-022"]
    golden = golden_case(case)
    cache, context = _cache(golden.rootdir, {**golden.settings, "tf.hcl_parser": parser})
    found = cache.get(str(golden.checked), "terraform")
    assert not isinstance(found, ParseError)
    parsed = kinds.by_name("terraform").format.adjust(found, context)
    out: list[tuple[object, ...]] = []
    for subject in parsed.subjects:
        if kinds.judges(policy.subject, policy.id, subject.key) and policy.applies_to(
            subject, context
        ):
            finding = evaluate(policy, subject, context)
            out += [(subject.label, v.line, v.message) for v in finding.violations]
            out += [(subject.label, "unknown", r) for r in finding.unknowns]
    return out


@pytest.mark.parametrize("case", DIRECTORY_CASES, ids=lambda p: p.name)
def test_both_parsers_agree_on_the_tree_search(case: Path) -> None:
    pytest.importorskip("hcl2")
    assert _findings(case, "tree-sitter") == _findings(case, "hcl2")
