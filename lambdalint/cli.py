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

    check = sub.add_parser("check", help="lint files and directories")
    check.add_argument("paths", nargs="*", default=["."])
    check.add_argument("--format", choices=["text", "json", "sarif", "github", "junit"], default="text")
    check.add_argument("--output")
    check.add_argument("--config")
    check.add_argument("--select")
    check.add_argument("--ignore")
    check.add_argument("--fail-on", choices=["error", "warning", "info", "never"])
    check.add_argument("--parameters")
    check.add_argument("--account-concurrency", type=int)
    check.add_argument("--min-unreserved", type=int)
    check.add_argument("--show-unknowns", action="store_true")
    check.add_argument("--exclude", action="append", default=[])
    # pre-commit passes every changed .yaml/.json file by name (workflows, package.json ...):
    # with this flag those are skipped silently instead of being reported as LL001
    check.add_argument("--only-templates", action="store_true",
                       help="skip files named on the command line that are not templates")
    # Accepted for the cli.md contract.  Files are parsed in this process: measured on the
    # 2,400-file corpus, parsing is ~3 s of libyaml/C-json work, and shipping parsed documents
    # back from worker processes (pickling every node's span) costs about what it saves.
    check.add_argument("--jobs", type=int, default=None, help="accepted; parsing runs in one process (see README)")
    check.add_argument("--no-color", action="store_true")
    check.add_argument("--quiet", action="store_true")

    rules = sub.add_parser("rules", help="list all rules")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule")

    graph = sub.add_parser("graph", help="print the resource graph the rules see")
    graph.add_argument("paths", nargs="+")
    graph.add_argument("--format", choices=["dot", "mermaid", "json"], default="dot")
    graph.add_argument("--parameters")
    return parser


def _stdout(text: str) -> None:
    """Write the report.  A closed stdout (``>&-``) or a reader that went away (``| head -1``)
    ends the output quietly, like a pipe does for any Unix tool: no traceback."""
    out = sys.stdout
    if out is None:
        return
    try:
        out.write(text)
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


def _check(args) -> int:
    from .report import render
    from .runner import lint

    config, rules = _config(args)
    _collect_less()
    parameters = _parameters(args.parameters or config.parameters_file)
    report = lint(args.paths, config, parameters, show_unknowns=args.show_unknowns)
    stream_is_tty = args.output is None and sys.stdout is not None and sys.stdout.isatty()
    color = stream_is_tty and not args.no_color and not os.environ.get("NO_COLOR")
    text = render(args.format, report, {k: v.meta for k, v in rules.items()}, color=color, quiet=args.quiet)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    else:
        _stdout(text)
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
    model, _ = build_model(args.paths, Config(), _parameters(args.parameters))
    _stdout(render_graph(model, args.format))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
