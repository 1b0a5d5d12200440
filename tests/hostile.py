"""Hostile and broken inputs, built at test time, each beside good templates whose findings are
known (issue 11).  ``build(root)`` writes them all into one project directory; tests run
lambdalint on it in a child process under the bounds below, so a regression that hangs or
eats memory fails the test instead of the machine.

The bounds are guards, not speed assertions: no test asserts a duration.  Time is bounded by
budgets (nodes, steps, instances, bytes) and by TIMEOUT as a hang guard; memory by RLIMIT_AS on
the child (MEMORY, or SMALL_MEMORY where nothing big may be read or built).

Issue 11's table, row by row, and the tests that fail if the row regresses (``h::`` is
``test_hostile.py``, ``hs::`` ``test_hostile_sizes.py``, ``ht::`` ``test_hostile_terraform.py``,
``hb::`` ``test_hostile_stages.py``; ``test_hostile.py::test_rows_map_to_tests`` checks that every
name exists):

| row | tests | bound stated |
|---|---|---|
| integer of over 4,300 digits (JSON, YAML, .tf.json, plan) | h::test_integer_of_over_4300_digits_is_ll001 | MAX_INT_DIGITS 4,300 |
| Fn::If nested 300-450 deep | h::test_deep_fn_if_is_ll001_nested_too_deeply, h::test_nesting_exactly_at_the_budget_is_linted | MAX_DEPTH 200 |
| FIFO: scanned, named, zip CodeUri, modules.json | h::test_fifo_is_never_opened, h::test_fifo_named_modules_json_is_never_opened | never opened blocking; TIMEOUT |
| symlink onto /dev/zero, /dev/urandom | h::test_symlink_to_a_device_is_never_read, hs::test_a_file_past_its_budget_is_never_read | regular files only; SMALL_MEMORY beside 600 MB files |
| CodeUri /dev, a package onto a device tree | h::test_package_walk_reads_regular_files_only, h::test_package_entries_budget, h::test_zip_central_directory_budget | MAX_PACKAGE_ENTRIES 50,000; MAX_ZIP_DIRECTORY_BYTES 16 MB |
| 50 MB YAML template | hs::test_file_past_the_size_budget_is_ll001_without_reading_it, hs::test_template_at_the_size_budget_is_linted_within_the_memory_bound, hs::test_parse_node_budget | MAX_TEMPLATE_BYTES 16 MB; MAX_NODES 2,000,000; MEMORY at the budget |
| Terraform for_each over large ranges, module fan-out, a string doubled 26 times | ht::test_terraform_budgets_make_unknowns, ht::test_terraform_instance_budgets, ht::test_for_each_past_the_instance_budget_names_it, ht::test_range_is_limited_as_terraform_limits_it, ht::test_terraform_module_depth_budget, ht::test_terraform_conditional_alternatives_budget, h::test_all_hostile_inputs_in_one_run | MAX_STEPS, MAX_STRING, MAX_INSTANCES, MAX_TOTAL_INSTANCES, MAX_MODULE_DEPTH, MAX_COLLECTION, MAX_ALTERNATIVES; MEMORY |
| two modules sourcing each other | ht::test_modules_that_source_each_other_are_each_linted_once | each linted once |
| Latin-1 byte, UTF-16 BOM, flow-style YAML (scanned and named) | h::test_encodings_in_a_scan | — |
| unreadable directory; a file named inside one | h::test_unreadable_directory_and_file | — |
| alias bomb in .lambdalint.yaml | h::test_config_alias_bomb_stops_at_the_node_budget | MAX_NODES; SMALL_MEMORY |
| CodeUri / and ../../../.. | test_paths.py::test_ll108_never_walks_outside, test_paths.py::test_outside_is_unknown_naming_the_value, h::test_all_hostile_inputs_in_one_run | confined to the project |
| HCL timeout = 1e3 | ht::test_hcl_exponent_is_a_number | — |
| stdout closed; piped into head -1 | h::test_stdout_closed_ends_quietly, h::test_output_into_head_ends_quietly | TIMEOUT |
| 200 MB plan with 53,000 functions | hs::test_plan_of_200_mb_with_53000_functions, hs::test_plan_larger_than_the_template_budget_is_read, hs::test_plan_past_the_plan_budget_is_ll001 | MAX_PLAN_BYTES 512 MB; MEMORY |
| part 1: one bad file never costs the run | h::test_all_hostile_inputs_in_one_run, hb::test_a_loader_bug_costs_only_its_file, hb::test_a_frontend_bug_half_way_through_a_file_leaves_nothing_of_it, hb::test_a_rule_bug_on_one_files_resource_costs_only_that_file, hb::test_a_bug_finding_nested_stacks_costs_nothing_but_the_nesting | both runners |
| part 2: budgets documented, enforced, above the corpus | test_budgets.py::test_readme_lists_every_budget_with_its_value, test_budgets.py::test_no_corpus_file_reaches_a_budget, hb::test_role_statement_budget, hs::test_hcl_file_past_its_size_budget_is_ll001 | the README table |
| part 3: regular files only, inside the project | h::test_symlinks_inside_the_project_are_followed_once_and_loops_end, test_paths.py::test_ll108_symlink_out_of_the_project_is_not_followed, test_paths.py::test_terraform_local_module_outside_the_project_is_not_read, test_paths.py::test_cdk_stack_template_outside_the_project_is_not_read | — |
| part 4: fuzzing | test_fuzz.py (all), test_fuzz_regressions.py (all) | the ``ci`` profile |
| part 5: determinism | test_determinism.py::test_byte_identical_across_runs_jobs_and_path_spellings, test_determinism.py::test_byte_identical_from_inside_the_project | — |
"""
from __future__ import annotations

import codecs
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

TIMEOUT = 120  # seconds of wall time for one lambdalint run (a hang guard on a shared machine)
MEMORY = 2 * 1024 ** 3  # bytes of address space for one lambdalint run (RLIMIT_AS)
SMALL_MEMORY = 256 * 1024 ** 2  # the same for a run that must not read or build anything big

LAMBDALINT = [sys.executable, "-c", "import sys; from lambdalint.cli import main; sys.exit(main())"]

# -- good templates: (file, line) of the LL101 each must report, whatever else is in the run ----
GOOD_CFN = """\
Resources:
  GoodYaml:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "def handler(e, c): pass"}
      Timeout: 5000
"""
GOOD_JSON = json.dumps({"Resources": {"GoodJson": {"Type": "AWS::Lambda::Function", "Properties": {
    "Runtime": "python3.12", "Handler": "app.handler", "Role": "arn:aws:iam::123456789012:role/r",
    "Code": {"ZipFile": "x"}, "Timeout": 4000}}}}, indent=1) + "\n"
GOOD_SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  GoodSam:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): pass"
      Timeout: 3000
"""
# HCL `timeout = 1e3` is a number (tree-sitter-hcl rejects an exponent without a fraction)
GOOD_TF = """\
resource "aws_lambda_function" "good" {
  function_name = "good"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "artifacts"
  s3_key        = "fn.zip"
  timeout       = 1e3
}
"""
GOOD = {  # file -> line of its LL101 finding
    "good/template.yaml": 9,
    "good/template.json": next(n for n, t in enumerate(GOOD_JSON.splitlines(), 1) if '"Timeout"' in t),
    "good/sam.yaml": 9,
    "good_tf/main.tf": 8,
}

FUNCTION_TF = """\
resource "aws_lambda_function" "{name}" {{
  {extra}
  function_name = "{name}"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = {runtime}
  handler       = "app.handler"
  s3_bucket     = "artifacts"
  s3_key        = "fn.zip"
  timeout       = {timeout}
}}
"""


def function_tf(name="f", timeout="3", extra="", runtime='"python3.12"'):
    """A Terraform function (code in S3: no local package to look for)."""
    return FUNCTION_TF.format(name=name, timeout=timeout, extra=extra, runtime=runtime)


def sam_function(name: str, code_uri: str, timeout: int = 3) -> str:
    return f"""\
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: {code_uri}
      Timeout: {timeout}
"""


def cfn_function(name: str, code: str) -> str:
    return f"""\
  {name}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {code}
"""


def deep_if(levels: int) -> str:
    value: object = "x"
    for _ in range(levels):
        value = {"Fn::If": ["C", value, "y"]}
    return json.dumps({"Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
                       "Resources": {"Deep": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": value}}}})


def plan_json(functions: int, pad_to: int = 0, timeout: int = 3, number: str | None = None) -> str:
    """A ``terraform show -json`` plan with ``functions`` functions (the first with ``timeout``),
    padded with whitespace to ``pad_to`` bytes; ``number`` replaces the first timeout verbatim."""
    resources = []
    for i in range(functions):
        values = {"function_name": f"fn{i}", "role": "arn:aws:iam::123456789012:role/r", "runtime": "python3.12",
                  "handler": "app.handler", "filename": "fn.zip", "timeout": timeout if i == 0 else 3,
                  "memory_size": 128, "publish": False}
        resources.append({"address": f"aws_lambda_function.fn{i}", "mode": "managed", "type": "aws_lambda_function",
                          "name": f"fn{i}", "provider_name": "registry.terraform.io/hashicorp/aws",
                          "schema_version": 0, "values": values, "sensitive_values": {}})
    plan = {"format_version": "1.2", "terraform_version": "1.11.4",
            "planned_values": {"root_module": {"resources": resources}},
            "configuration": {"root_module": {}}}
    text = json.dumps(plan, indent=1)
    if number is not None:
        text = text.replace(f'"timeout": {timeout}', f'"timeout": {number}', 1)
    if pad_to > len(text):
        text = text[:-1] + " " * (pad_to - len(text) - 2) + "\n}"
    return text


FUNCTION_STACK = """\
  Fn{i}:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: fn-{i}
      Runtime: python3.12
      Handler: app.handler
      Role: !GetAtt Role{i}.Arn
      Code: {{ZipFile: "def handler(e, c): pass"}}
      Timeout: {timeout}
      MemorySize: 128
      Environment:
        Variables:
          QUEUE: !Ref Queue{i}
  Queue{i}:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]
"""


def big_template(size: int) -> tuple[str, int]:
    """A YAML template of at most ``size`` bytes: functions, each with its queue and role, the
    first with a 5000 s timeout (LL101).  Returns (text, functions)."""
    parts, total, i = ["Resources:\n"], 11, 0
    while True:
        part = FUNCTION_STACK.format(i=i, timeout=5000 if i == 0 else 3 + i % 890)
        if total + len(part) > size:
            return "".join(parts), i
        parts.append(part)
        total += len(part)
        i += 1


def can_drop_read_override() -> bool:
    """Whether unreadable directories can be made here: as any user but root chmod 000 does it;
    as root only when the DAC capabilities can be dropped (``setpriv``)."""
    if os.geteuid() != 0:
        return True
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", "true"],
                           capture_output=True)
    return probe.returncode == 0


def _limits(memory: int = MEMORY):  # in the child: the memory bound
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def run(args, cwd: Path, stdin=None, memory: int = MEMORY, **options) -> subprocess.CompletedProcess:
    """lambdalint in a child process, bounded by TIMEOUT and ``memory`` (bytes of address
    space, MEMORY unless a test states a tighter bound).  As root the DAC capabilities are
    dropped, so chmod 000 blocks reads as it does for everyone else."""
    command = LAMBDALINT + [str(a) for a in args]
    if os.geteuid() == 0 and shutil.which("setpriv"):
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] + command
    env = options.pop("env", None) or dict(os.environ, NO_COLOR="1")
    env.pop("GITHUB_WORKSPACE", None)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          preexec_fn=_limits(memory), env=env, stdin=stdin, **options)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- what a report holds (for the tests)


def ll001(report, file=None) -> dict:
    return {f.span.file: f.message for f in report.findings if f.rule == "LL001" and (file is None or f.span.file == file)}


def findings(report, rule="LL101") -> set:
    return {(f.span.file, f.span.line) for f in report.findings if f.rule == rule}


def reasons(report, rule) -> list[str]:
    return [u.reason for u in report.unknowns if u.rule == rule]


def good(here: Path) -> None:
    write(here / "good.yaml", GOOD_CFN)


def fanout(root: Path, levels: int = 5, count: int = 30) -> None:
    """Modules m0..m4, each calling the next ``count`` times (30 ** 4 = 810,000 instances at the
    bottom) with its count.index; each level's function has timeout var.i + 3."""
    for level in range(levels):
        call = (f'module "n" {{\n  count  = {count}\n  source = "../m{level + 1}"\n  i      = count.index\n}}\n'
                if level < levels - 1 else "")
        head = 'variable "i" {}\n' if level else ""
        write(root / f"m{level}/main.tf", head + call + function_tf(timeout="var.i + 3" if level else "3"))


def build(root: Path) -> dict:
    """Every hostile input beside the good templates, in ``root``.  Returns what each must give:
    {"ll001": {file: reason substring}, "unknowns": [(rule, reason substring)], "skipped": [...],
    "findings": [(rule, file, line)]}."""
    expect = {"ll001": {}, "unknowns": [], "skipped": [], "findings": []}
    write(root / "good/template.yaml", GOOD_CFN)
    write(root / "good/template.json", GOOD_JSON)
    write(root / "good/sam.yaml", GOOD_SAM)
    write(root / "good_tf/main.tf", GOOD_TF)
    expect["findings"] += [("LL101", file, line) for file, line in GOOD.items()]

    # an integer of more than 4,300 digits: JSON, .tf.json, plan
    huge = "9" * 5000
    write(root / "bigint/template.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Function",\n'
                                         f'  "Properties": {{"Timeout": {huge}}}}}}}}}\n')
    write(root / "bigint_tf/main.tf.json", f'{{"locals": {{"n": {huge}}}}}\n')
    write(root / "bigint/plan.json", plan_json(1, number=huge))
    for file in ("bigint/template.json", "bigint_tf/main.tf.json", "bigint/plan.json"):
        expect["ll001"][file] = "number with more than 4,300 digits"

    # Fn::If nested 300 and 450 deep
    write(root / "deep/if300.json", deep_if(300))
    write(root / "deep/if450.json", deep_if(450))
    expect["ll001"]["deep/if300.json"] = expect["ll001"]["deep/if450.json"] = "nesting deeper than 200 levels"

    # FIFOs: named template.yaml in the scan (skipped, never opened), as a zip CodeUri
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo/template.yaml")
    os.mkfifo(root / "fifo/main.tf")
    os.mkfifo(root / "fifo/fn.zip")
    write(root / "fifo/sam.yaml", "Transform: AWS::Serverless-2016-10-31\nResources:\n" + sam_function("FifoZip", "fn.zip"))
    expect["skipped"] += ["fifo/template.yaml", "fifo/main.tf"]
    expect["unknowns"].append(("LL108", "code path fn.zip is not a regular file or directory"))

    # symlinks onto devices: skipped in a scan (never read)
    (root / "dev").mkdir()
    os.symlink("/dev/zero", root / "dev/zero.yaml")
    os.symlink("/dev/urandom", root / "dev/urandom.json")
    os.symlink("/dev/zero", root / "dev/zero.tf")
    expect["skipped"] += ["dev/zero.yaml", "dev/urandom.json"]

    # a package onto a device tree; a package dir holding a FIFO, a /dev/zero link and a 0600 file
    pkg = root / "pkg/src"
    pkg.mkdir(parents=True)
    os.mkfifo(pkg / "pipe.py")
    os.symlink("/dev/zero", pkg / "zero.py")
    write(pkg / "app.py", "def handler(e, c): pass\n")
    os.chmod(pkg / "app.py", 0o600)
    write(root / "pkg/template.yaml", "Resources:\n" + cfn_function("Pkg", "src")
          + cfn_function("OnDev", "/dev") + cfn_function("Up", "../../../../../../../../..")
          + cfn_function("Root", "/"))
    expect["findings"].append(("LL108", "pkg/template.yaml", 8))
    expect["unknowns"] += [("LL108", "Code /dev is outside the project"),
                           ("LL108", "Code ../../../../../../../../.. is outside the project"),
                           ("LL108", "Code / is outside the project")]

    # a 50 MB YAML template (sparse: never read, refused by its size)
    (root / "big").mkdir()
    with open(root / "big/template.yaml", "wb") as handle:
        handle.write(b"Resources:\n  Big:\n    Type: AWS::Lambda::Function\n")
        handle.truncate(50 * 1024 * 1024)
    expect["ll001"]["big/template.yaml"] = "file too large (50 MB, limit 16 MB)"

    # Terraform: for over large ranges (the step budget), strings doubled 26 times (the string
    # budget), module fan-out 5 levels x 30 (the instance budget)
    write(root / "tf_ranges/main.tf", 'locals {\n  big = { for i in range(1000) : tostring(i) => '
                                      '[for j in range(1000) : "${i}-${j}"] }\n}\n'
          + function_tf(extra="for_each = local.big"))
    expect["unknowns"].append(("LL101", "evaluation budget exhausted (more than 1,000,000 expression steps"))
    doubling = ['locals {', '  s0 = "ab"'] + [f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 27)]
    write(root / "tf_strings/main.tf", "\n".join(doubling) + "\n}\n" + function_tf(runtime="local.s26"))
    expect["unknowns"].append(("LL107", "a string longer than the budget of 1,000,000 characters"))
    fanout(root / "tf_fanout")
    expect["unknowns"].append(("LL101", "count expands past the budget of 10,000 instances"))

    # two modules that source each other: each linted once, the call back is unknown
    write(root / "cycle/a/main.tf", 'module "b" {\n  source = "../b"\n}\noutput "t" {\n  value = 30\n}\n'
          + function_tf("fa", "5000"))
    write(root / "cycle/b/main.tf", 'module "a" {\n  source = "../a"\n}\n' + function_tf("fb", "module.a.t"))
    expect["findings"].append(("LL101", "cycle/a/main.tf", 15))
    expect["unknowns"] += [("LL101", "source ../a not read (it includes itself)"),
                           ("LL004", "module call module.b.module.a: source ../a not read (it includes itself)")]

    # encodings: one Latin-1 byte (LL001 in a scan too), UTF-16 and UTF-8 BOMs, flow-style YAML
    text = GOOD_CFN.replace("GoodYaml", "Latin").replace("Runtime: python3.12", "Runtime: python3.12  # caf\xe9")
    write(root / "enc/latin1.yaml", text.encode("latin-1"))
    expect["ll001"]["enc/latin1.yaml"] = "not UTF-8 text"
    write(root / "enc/utf16.yaml", codecs.BOM_UTF16_LE + GOOD_CFN.replace("GoodYaml", "Utf16").encode("utf-16-le"))
    write(root / "enc/utf8bom.yaml", codecs.BOM_UTF8 + GOOD_CFN.replace("GoodYaml", "Bom").encode())
    write(root / "enc/flow.yaml", "{Resources: {Flow: {Type: AWS::Lambda::Function, Properties: {Timeout: 7777}}}}\n")
    expect["findings"] += [("LL101", "enc/utf16.yaml", 9), ("LL101", "enc/utf8bom.yaml", 9), ("LL101", "enc/flow.yaml", 1)]

    # a directory that cannot be listed (see can_drop_read_override)
    if can_drop_read_override():
        write(root / "locked/template.yaml", GOOD_CFN)
        os.chmod(root / "locked", 0)
        expect["ll001"]["locked"] = "cannot read directory: Permission denied"
    return expect


def unlock(root: Path) -> None:
    """Make a built tree removable again."""
    locked = root / "locked"
    if locked.exists():
        os.chmod(locked, 0o755)
