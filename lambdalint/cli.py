"""Command line: ``lambdalint check|rules|explain|graph`` (see cli.md, the contract)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

COMMANDS = ("check", "rules", "explain", "graph")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # exit 2 with one line, never a traceback
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lambdalint", description="Static linter for AWS Lambda infrastructure as code.")
    parser.add_argument("--version", action="version", version=f"lambdalint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser(
        "check", help="lint files and directories",
        description="Lint CloudFormation, SAM and Terraform files and directories as one model.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or "
               "config error. `lambdalint PATH ...` without a command means check.")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files and directories to lint (default: the current directory)")
    out = check.add_argument_group("output")
    out.add_argument("--format", choices=["text", "json", "sarif", "github", "junit"], default="text",
                     help="report format: text (default), json, sarif (GitHub code scanning), github "
                          "(workflow annotations), junit (CI test reports)")
    out.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")
    out.add_argument("--github-annotations", action="store_true",
                     help="also print the findings as GitHub workflow annotations on stdout, from the "
                          "same run (with --output FILE for the report)")
    detail = out.add_mutually_exclusive_group()
    detail.add_argument("-q", "--quiet", action="store_true",
                        help="text: only the findings, one line each with its file; no summary")
    detail.add_argument("-v", "--verbose", action="store_true",
                        help="text: messages whole (not cut), counts per rule, the run's duration")
    out.add_argument("--statistics", action="store_true",
                     help="text: only the number of findings per rule, then the summary")
    out.add_argument("--show-unknowns", action="store_true",
                     help="also list each check that could not be decided and the value that blocked it")
    out.add_argument("--no-color", action="store_true",
                     help="no colour (also NO_COLOR=1); FORCE_COLOR=1 colours text even when piped")
    rules_group = check.add_argument_group("rules")
    rules_group.add_argument("--select", metavar="RULES",
                             help="only these rules: IDs, ID prefixes (LL2) or names, comma-separated; "
                                  "opt-in rules (LL603, LL604) only by exact ID or name")
    rules_group.add_argument("--ignore", metavar="RULES", help="skip these rules (same forms as --select)")
    rules_group.add_argument("--fail-on", choices=["error", "warning", "info", "never"],
                             help="lowest severity that makes the exit code 1 (default: warning)")
    rules_group.add_argument("--config", metavar="FILE",
                             help="config file (default: .lambdalint.yaml here or above, else "
                                  "[tool.lambdalint] in pyproject.toml)")
    inputs = check.add_argument_group("inputs")
    inputs.add_argument("--parameters", metavar="FILE",
                        help="values for CloudFormation parameters / Terraform variables, YAML or JSON: "
                             "{FILE-GLOB or '*': {Name: value}}")
    inputs.add_argument("--sam-config-env", metavar="NAME",
                        help="the samconfig.toml/.yaml environment whose parameter_overrides apply "
                             "(default: default); --parameters wins over it")
    inputs.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable)")
    # pre-commit passes every changed .yaml/.json file by name (workflows, package.json ...):
    # with this flag those are skipped silently instead of being reported as LL001
    inputs.add_argument("--only-templates", action="store_true",
                        help="skip files named on the command line that are not templates (pre-commit)")
    account = check.add_argument_group("account facts (LL401)")
    account.add_argument("--account-concurrency", type=int, metavar="N",
                         help="the account's concurrent executions limit (default 1000)")
    account.add_argument("--min-unreserved", type=int, metavar="N",
                         help="concurrency that must stay unreserved (default 100)")
    # Accepted for the cli.md contract.  A run is linted in this process, one group of linked
    # files at a time (stream.py); see the README's Performance section for why not in workers.
    check.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="accepted for compatibility; the run is linted in one process (see README)")

    rules = sub.add_parser("rules", help="list all rules")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule")

    graph = sub.add_parser(
        "graph", help="print the resource graph the rules see",
        description="The resource graph the rules see: DOT (render with `dot -Tpng`), Mermaid or JSON.")
    graph.add_argument("paths", nargs="+", metavar="PATH", help="files and directories, as for check")
    graph.add_argument("--format", choices=["dot", "mermaid", "json"], default="dot",
                       help="dot (default), mermaid, or json (the model's nodes and edges)")
    only = graph.add_mutually_exclusive_group()
    only.add_argument("--function", metavar="NAME",
                      help="only the chain behind this function (logical ID or Terraform address)")
    only.add_argument("--finding", metavar="RULE[:RESOURCE]",
                      help="only the chain behind the findings of RULE (on RESOURCE)")
    graph.add_argument("--parameters", metavar="FILE", help="parameter values, as for check")
    graph.add_argument("--config", metavar="FILE", help="config file for --finding, as for check")
    return parser


def _stdout(text: str) -> None:
    """Write the report.  A closed stdout (``>&-``) or a reader that went away (``| head -1``)
    ends the output quietly, like a pipe does for any Unix tool: no traceback."""
    out = sys.stdout
    if out is None:
        return
    try:
        try:
            out.write(text)
        except UnicodeEncodeError:  # a file name that is not valid text: \udcff, as JSON writes it
            out.flush()
            out.buffer.write(text.encode(out.encoding or "utf-8", "backslashreplace"))
        out.flush()
    except BrokenPipeError:
        try:  # send what is still buffered nowhere, so the exit flush cannot fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError):
            pass
    except (OSError, ValueError):
        pass


def _stderr(line: str) -> None:
    err = sys.stderr
    if err is None:  # print(file=None) would write to stdout instead
        return
    try:
        err.write(line + "\n")
        err.flush()
    except (OSError, ValueError):
        pass


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "check")  # `lambdalint PATH ...` means check
    try:
        args = _parser().parse_args(argv)
        if args.command is None:
            _parser().print_help()
            return 2
        return {"check": _check, "rules": _rules, "explain": _explain, "graph": _graph}[args.command](args)
    except UsageError as error:
        _stderr(f"lambdalint: error: {error}")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # an internal error: one line, exit 2, never a traceback
        where = getattr(error, "lambdalint_file", None)
        detail = f" while linting {where}" if where else ""
        _stderr(f"lambdalint: internal error{detail}: {type(error).__name__}: {error}")
        if os.environ.get("LAMBDALINT_DEBUG"):
            raise
        return 2


def _config(args):
    from .config import ConfigError, find_config, load_config
    from .engine import load_rules, unknown_selectors

    try:
        path = Path(args.config) if getattr(args, "config", None) else find_config(Path.cwd())
        if getattr(args, "config", None) and not path.is_file():
            raise ConfigError(f"config file {args.config} not found")
        config = load_config(path)
        rules = load_rules()
        config.check_rule_options(rules)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    for flag in ("select", "ignore"):  # the config's own selectors were checked with its name
        bad = unknown_selectors(rules, _split(getattr(args, flag, None)))
        if bad:
            raise UsageError(f"--{flag}: unknown rule {', '.join(bad)} (see `lambdalint rules`)")
    if getattr(args, "select", None):
        config.select = _split(args.select)
    if getattr(args, "ignore", None):
        config.ignore = list(config.ignore) + _split(args.ignore)
    if getattr(args, "fail_on", None):
        config.fail_on = args.fail_on
    for flag, option in (("account_concurrency", "account-concurrency"), ("min_unreserved", "min-unreserved")):
        value = getattr(args, flag, None)
        if value is None:
            continue
        if value < 0:
            raise UsageError(f"--{option}: expected a number >= 0, got {value}")
        setattr(config, flag, value)
        for settings in config.rules.values():  # the flag wins over a per-rule option too
            if option in settings:
                settings[option] = value
    config.exclude = list(config.exclude) + list(getattr(args, "exclude", []) or [])
    config.only_templates = bool(getattr(args, "only_templates", False))
    config.sam_config_env = getattr(args, "sam_config_env", None)
    return config, rules


def _parameters(path):
    from .parameters import load_parameters

    try:
        return load_parameters(path)
    except Exception as error:
        raise UsageError(f"cannot read parameters file {path}: {error}") from None


def _collect_less() -> None:
    """A lint run allocates millions of small containers that live until the report (templates,
    spans, the model).  With CPython's default thresholds the cyclic collector scans them again
    and again: measured, a fifth of the CPU time on the corpus.  What exists after the imports
    is frozen out of collection, and collections become rarer; garbage cycles are still freed."""
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


def _color(args) -> bool:
    """Colour on a terminal; never with --no-color or NO_COLOR; FORCE_COLOR (any value but empty
    or 0) colours stdout even when it is a pipe (CI logs render ANSI).  Never in --output files."""
    if args.format != "text" or args.output is not None or args.no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _progress(args):
    """A progress bar on stderr, for the text format on a terminal only (see progress.py)."""
    import contextlib

    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    if args.format != "text" or args.quiet or not tty:
        return contextlib.nullcontext()
    from .progress import Bar

    return Bar()


def _check(args) -> int:
    from .report import render
    from .runner import lint

    if args.github_annotations and args.output is None and args.format != "github":
        raise UsageError("--github-annotations prints to stdout: write the report with --output FILE")
    config, rules = _config(args)
    _collect_less()
    parameters = _parameters(args.parameters or config.parameters_file)
    with _progress(args):
        report = lint(args.paths, config, parameters, show_unknowns=args.show_unknowns)
    text = render(args.format, report, {k: v.meta for k, v in rules.items()}, color=_color(args),
                  quiet=args.quiet, verbose=args.verbose, statistics=args.statistics)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8", errors="backslashreplace")  # names not UTF-8
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    else:
        _stdout(text)
    if args.github_annotations and args.format != "github":  # the same run, a second rendering
        _stdout(render("github", report, {k: v.meta for k, v in rules.items()}))
    for error in report.internal_errors:  # the other files were still linted and reported
        _stderr(f"lambdalint: internal error while linting {error}")
    if report.internal_errors:
        return 2
    return 1 if any(config.fails(f.severity) for f in report.findings) else 0


def _rules(args) -> int:
    from .docs import rules_json, rules_markdown, rules_table
    from .engine import load_rules

    rules = load_rules()
    render = {"text": rules_table, "json": rules_json, "markdown": rules_markdown}[args.format]
    _stdout(render(rules))
    return 0


def _explain(args) -> int:
    from .docs import explain
    from .engine import load_rules

    rules = load_rules()
    wanted = args.rule.strip()
    for loaded in rules.values():
        if loaded.meta.id == wanted.upper() or loaded.meta.name == wanted:
            _stdout(explain(loaded))
            return 0
    raise UsageError(f"unknown rule {wanted} (see `lambdalint rules`)")


def _graph(args) -> int:
    from .config import Config
    from .graphviz import render_graph
    from .runner import build_model

    _collect_less()
    parameters = _parameters(args.parameters)
    model, _ = build_model(args.paths, Config(), parameters)
    keep = None
    if args.function or args.finding:
        from .graphviz import finding_chain, function_chain, picture, visible

        pic = picture(model)
        by_name = {}
        for entity in model.entities.values():
            by_name.setdefault(entity.name, entity)
        if args.function:
            functions = {f.name: f for f in model.functions()}
            if args.function not in functions:
                known = ", ".join(sorted(functions)[:20]) or "none"
                raise UsageError(f"--function: no function {args.function} (functions: {known})")
            keep = function_chain(pic, functions[args.function].node)
        else:
            from .runner import lint

            rule, _, resource = args.finding.partition(":")
            config, _rules = _config(args)
            report = lint(args.paths, config, parameters)
            chosen = [f for f in report.findings if f.rule == rule.strip().upper()
                      and (not resource or f.resource == resource) and f.resource in by_name]
            if not chosen:
                raise UsageError(f"--finding: no {rule} finding{' on ' + resource if resource else ''} "
                                 "with a resource in these files")
            keep = set()
            for f in chosen:
                related = [node for r in f.related if r.resource in by_name
                           for node in visible(model, by_name[r.resource])]
                keep |= finding_chain(pic, by_name[f.resource].node, related)
    _stdout(render_graph(model, args.format, keep))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
