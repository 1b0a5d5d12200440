"""Budgets that keep one file (or one deployment package) bounded in time and memory.

Past a file budget the file is LL001 naming the budget; past a package budget LL108 reports
the package as undecided.  Each default is far above anything a real template reaches: the
README ("Budgets") lists them with the largest values measured on a corpus of ~2,700 real
files, and `tests/test_hostile_sizes.py` (with `test_hostile.py`) checks each one is enforced.
"""

import sys

MB = 1024 * 1024
# Python's own guard (CVE-2020-10735): an integer literal longer than this is a parse error
MAX_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300

# -- one input file ------------------------------------------------------------------------
# CloudFormation accepts templates of at most 1 MB (S3) and SAM/CDK output must fit it too;
# Terraform configuration files are hand-written or generated per module.
MAX_TEMPLATE_BYTES = 16 * MB  # CloudFormation/SAM YAML or JSON, .tf.json, config
# HCL keeps its syntax tree for spans: about 150 MB of memory per MB of .tf (measured)
MAX_HCL_BYTES = 4 * MB  # one .tf or .tfvars file
# `terraform show -json` of a large state: the one input that is legitimately big.
MAX_PLAN_BYTES = 512 * MB
MAX_NODES = 2_000_000  # parse nodes of one file, YAML aliases expanded (an alias bomb stops here)
MAX_DEPTH = 200  # nesting of mappings/lists (or HCL blocks/expressions) in one file

# -- one IAM role ---------------------------------------------------------------------------
# Every rule about permissions reads a function's role statement by statement, so a role
# shared by thousands of functions costs functions x statements.  AWS caps a role at 10,240
# characters of inline policy plus 10 (at most 20) managed policies of 6,144 characters each:
# a real role holds at most a few hundred statements.
MAX_ROLE_STATEMENTS = 1000  # past it, the role's permissions are unknown (undecided, not guessed)

# -- one deployment package (LL108) --------------------------------------------------------
MAX_PACKAGE_ENTRIES = 50_000  # files walked in a package directory, or entries in a zip
MAX_ZIP_DIRECTORY_BYTES = 16 * MB  # size of a zip's central directory (all that is read)


def too_deep(data, limit: int = MAX_DEPTH) -> tuple | None:
    """The path of the first mapping/list nested more than ``limit`` levels deep in plain data
    (as ``json.loads`` builds it), or None.  Iterative: the check itself never recurses."""
    stack = [(data, 1)]
    pop, push = stack.pop, stack.append
    deepest = 0
    while stack:
        value, depth = pop()
        if depth > deepest:
            deepest = depth
            if depth > limit:
                break
        kind = type(value)
        if kind is dict:
            for item in value.values():
                if type(item) is dict or type(item) is list:
                    push((item, depth + 1))
        elif kind is list:
            for item in value:
                if type(item) is dict or type(item) is list:
                    push((item, depth + 1))
    if deepest <= limit:
        return None
    # rare: walk again, keeping paths, to say where
    stack = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) >= limit:
            return path
        items = value.items() if type(value) is dict else enumerate(value)
        for key, item in items:
            if type(item) is dict or type(item) is list:
                stack.append((item, path + (key,)))
    return ()  # pragma: no cover
