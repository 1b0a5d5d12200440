"""The GitHub Action's run step (``action.yml``): ``python -m lambdalint.github_action``.

It reads the action's inputs from the environment, lints once, writes the report file, prints
the annotations of that same run, and sets the step outputs:

- ``LL_PATHS``: one path per line (names may contain spaces), or on one line shell-style words
  (``infra "my stacks"``; a line that names an existing path as a whole is that path);
- ``LL_ARGS``: more ``lambdalint check`` arguments, shell-style (``--exclude "tests/**"``);
- ``LL_CONFIG``, ``LL_FAIL_ON``, ``LL_FORMAT``, ``LL_ANNOTATIONS`` (``true``/``false``);
- ``RUNNER_TEMP`` (where the report goes) and ``GITHUB_OUTPUT`` (the outputs file).

Outputs: ``exit-code`` always; ``report`` (the file's path) only when lambdalint ran (exit code 0
or 1).  On exit code 2 (a usage or config error, already explained on stderr) ``report`` stays
unset, so a following ``if: always()`` upload step can skip instead of failing on a missing or
partial report (uploading an empty SARIF would close every open alert).
"""
from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

EXTENSIONS = {"sarif": "sarif", "json": "json", "junit": "xml", "text": "txt", "github": "txt"}


def split(text: str, paths: bool = False) -> list[str]:
    """One item per line, or shell-style words when everything is on one line (for paths, a
    single line that names an existing file or folder as a whole is that one path)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and paths and os.path.exists(lines[0]):
        return lines
    return lines if len(lines) > 1 else shlex.split(text)


def _output(name: str, value: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")
    else:
        print(f"{name}={value}")


def main() -> int:
    from .cli import main as lambdalint

    env = os.environ
    fmt = env.get("LL_FORMAT", "sarif") or "sarif"
    if fmt not in EXTENSIONS:
        print(f"::error title=lambdalint::unknown format '{fmt}' (choose from {', '.join(EXTENSIONS)})")
        _output("exit-code", "2")
        return 2
    try:
        paths = split(env.get("LL_PATHS", "."), paths=True) or ["."]
        extra = split(env.get("LL_ARGS", ""))
    except ValueError as error:  # an unbalanced quote
        print(f"::error title=lambdalint::cannot read the paths or args input: {error}")
        _output("exit-code", "2")
        return 2
    report = Path(env.get("RUNNER_TEMP") or ".") / f"lambdalint-report.{EXTENSIONS[fmt]}"
    if report.exists():
        report.unlink()
    annotations = env.get("LL_ANNOTATIONS", "true").strip().lower() == "true"
    argv = ["check", "--format", fmt, "--output", str(report), "--fail-on", env.get("LL_FAIL_ON") or "warning"]
    if env.get("LL_CONFIG"):
        argv += ["--config", env["LL_CONFIG"]]
    if annotations and fmt != "github":
        argv.append("--github-annotations")
    argv += [*extra, "--", *paths]
    sys.stdout.flush()
    code = lambdalint(argv)
    sys.stdout.flush()
    if annotations and fmt == "github" and report.is_file():
        sys.stdout.write(report.read_text(encoding="utf-8"))
    _output("exit-code", str(code))
    if code >= 2:
        print(f"::error title=lambdalint::lambdalint could not run (exit code {code}); its message is above")
        return code
    _output("report", str(report))
    if code:
        print(f"lambdalint: findings at or above '{env.get('LL_FAIL_ON') or 'warning'}' (exit code {code})")
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
