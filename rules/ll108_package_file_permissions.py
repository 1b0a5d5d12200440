"""
## What it does
Looks at each function's local deployment package (a SAM `CodeUri` directory or zip, a
CloudFormation `Code` path used before `aws cloudformation package`, a Terraform `filename`,
or the `source_dir`/`source_file` of the `archive_file` that builds it) and flags files that are not world-readable and directories or executables that are not
world-readable and world-executable. Directories are read with `lstat`, never following a
symlink out of the project; zip files are read from their central directory only (each
entry's Unix mode in its external attributes), nothing is extracted and no file is opened.

Packaging tools decide what reaches Lambda: `aws cloudformation package` and Terraform
`archive_file` keep each file's mode and store no directory entries, so in a directory only
files count; SAM CLI (`sam package`/`sam deploy`) adds `o+r` to every file of a `CodeUri`
directory, so there only executables lacking `o+x` count. An `archive_file` with
`output_file_mode` gives every entry that mode instead of the file's own, and its `excludes`
(`**` glob patterns relative to `source_dir`) leave files out: both are honoured. A zip is uploaded as it is: its
files and directory entries count. Entries made on systems without Unix modes (Windows
zips) are fine.

## Why is this bad?
Lambda runs your code as a different user from the one who owns the files. AWS: "Lambda
needs 644 permissions for non-executable files (rw-r--r--) and 755 permissions (rwxr-xr-x)
for directories and executable files." Without them the function fails at every invocation
with `[Errno 13] Permission denied: '/var/task/function.py'`, `EACCES: permission denied,
open '/var/task/index.js'` or "Unable to import module".

## Example
A package with a file readable only by its owner (the finding is on `Code: src`):

```console
$ ls -l src
-rw------- 1 me me 120 Jan  1 12:00 app.py
$ cat template.yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: src   # LL108: src/app.py is 0600; Lambda needs o+r (644)
```

## Use instead
Make the package readable before packaging: `chmod -R o+rX src` (644 files, 755 directories
and executables), then rebuild any zip.

```yaml
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/worker
      Code: src
```

## References
- [AWS Lambda Developer Guide, *Deploying Lambda functions*](https://docs.aws.amazon.com/lambda/latest/dg/lambda-deploy-functions.html),
  "Deployment package file permissions": "The Lambda runtime needs permission to read the files
  in your deployment package. In Linux permissions octal notation, Lambda needs 644 permissions
  for non-executable files (rw-r--r--) and 755 permissions (rwxr-xr-x) for directories and
  executable files."
- [AWS Lambda Developer Guide, *Troubleshoot deployment issues*](https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-deployment.html),
  "Permission is denied": errors such as `EACCES: permission denied, open '/var/task/index.js'`
  and the remedy `chmod -R o+rX .`
- [Miserlou/Zappa#484](https://github.com/Miserlou/Zappa/issues/484), [hashicorp/terraform-provider-archive#17](https://github.com/hashicorp/terraform-provider-archive/issues/17):
  zip entry permissions silently break imports
- Terraform [`archive_file`](https://registry.terraform.io/providers/hashicorp/archive/latest/docs/data-sources/file):
  `output_file_mode` sets each entry's mode; `excludes` are matched on paths relative to
  `source_dir`, a matching directory is skipped whole
- AWS SAM CLI (`sam package`/`sam deploy`) adds read permission (0444) to the files of a local
  `CodeUri` directory it zips; `aws cloudformation package` keeps each file's mode
"""
from __future__ import annotations

import os
import stat

from lambdalint.load.limits import MAX_PACKAGE_ENTRIES
from lambdalint.load.zipdir import is_zip, zip_entries
from lambdalint.paths import confine, project
from lambdalint.rulekit import Issue, Rule, Unsure
from lambdalint.globs import doublestar_match
from lambdalint.native_names import native_name
from lambdalint.values import Known, Unknown, cause_of, describe, items, known_int, known_str

RULE = Rule(
    id="LL108",
    name="package-file-permissions",
    severity="error",
    summary="A local deployment package holds a file that is not world-readable (or a directory/executable not o+rx)",
)

SHOWN = 3  # offending files named in the message
SKIP_DIRS = {".git", ".aws-sam", ".terraform"}
ZIP_SUFFIXES = (".zip", ".jar")


def subjects(model, options):
    """Functions with a local code path (set, or known only at deploy time)."""
    return [fn for fn in model.functions() if any(not leaf.absent for leaf in fn.code_path.leaves())]


def check(model, fn, options):
    # one walk per package directory and run: functions of a project often share one
    walked = model.run_memo("LL108 walked", dict)
    packaging = _packaging(fn)
    if isinstance(packaging, Unsure):
        yield packaging
        return
    for leaf in fn.code_path.leaves():
        if isinstance(leaf, Unknown):
            yield Unsure(fn, f"code path ({native_name(leaf, 'Code')}) <- {leaf.reason}", leaf.source, leaf.cause)
            continue
        if not isinstance(leaf, Known) or not isinstance(leaf.value, str) or leaf.source is None:
            continue
        yield from _check_package(fn, leaf, fn.code_mode_added, walked, *packaging)


def _packaging(fn):
    """(mode set on every file or None, exclude patterns, why the excludes are unknown or None)
    from the packaging settings of the model (Terraform archive_file output_file_mode/excludes),
    or an Unsure when the mode set is not known."""
    mode = fn.code_mode_set
    if isinstance(mode, Unknown) or (not mode.absent and known_int(mode) is None):
        return Unsure(fn, f"mode of the packaged files ({native_name(mode, 'output_file_mode')}) <- "
                          f"{mode.reason if isinstance(mode, Unknown) else describe(mode)}", mode.source or fn.source,
                      cause_of(mode) or "other")
    excludes, unknown = [], None
    for leaf in fn.code_excludes.leaves():
        listed = items(leaf)
        for item in listed if listed is not None else [leaf]:
            if item.absent:
                continue
            text = known_str(item)
            if text is None:
                unknown = f"{native_name(item, 'excludes')} <- {describe(item)}"
            else:
                excludes.append(text)
    return known_int(mode), tuple(excludes), unknown


def _check_package(fn, value, added: int, walked: dict, mode_set=None, excludes=(), excludes_unknown=None):
    shown_path = value.value.strip()
    if not shown_path:
        return
    if "://" in shown_path:
        yield Unsure(fn, f"code path {shown_path} is not a local file (lambdalint reads no remote package)",
                     value.source, "not-in-run")
        return
    base = os.path.dirname(value.source.doc.path) or "."
    confined = confine(value, base, "code path")
    if isinstance(confined, Unknown):  # never read outside the project (CodeUri: /, ../../..)
        yield Unsure(fn, confined.reason, value.source, confined.cause)
        return
    path = os.path.normpath(os.path.join(base, shown_path))
    if os.path.isabs(shown_path):  # e.g. built from Terraform's path.module: show it from here
        relative = os.path.relpath(path)
        shown_path = shown_path if relative.startswith("..") else relative
    try:
        info = os.stat(path)
    except OSError:
        yield Unsure(fn, f"code path {shown_path} does not exist (not built yet?)", value.source, "not-built")
        return
    if stat.S_ISDIR(info.st_mode):
        key = (path, shown_path, added, mode_set, excludes)
        if key not in walked:
            walked[key] = _walk(path, shown_path, added, mode_set, excludes)
        problems, unsure = walked[key]
        remedy = f"Run `chmod -R o+rX {shown_path}` before packaging."
    elif not stat.S_ISREG(info.st_mode):  # a FIFO, device or socket: never opened
        yield Unsure(fn, f"code path {shown_path} is not a regular file or directory, not read", value.source,
                     "unsupported")
        return
    elif shown_path.lower().endswith(ZIP_SUFFIXES) or is_zip(path):
        problems, unsure = _zip_entries(path)
        remedy = "Rebuild the zip from files made readable with `chmod -R o+rX`."
    else:
        # a single file that the packager zips with its mode (Terraform archive_file source_file,
        # `aws cloudformation package` of a file path)
        problem = _problem(shown_path, info.st_mode, False, added, mode_set)
        problems, unsure = [problem] if problem else [], None
        remedy = f"Run `chmod o+r {shown_path}` before packaging."
    if unsure:
        yield Unsure(fn, f"package {shown_path}: {unsure}", value.source, "budget" if "more than" in unsure else "other")
    if not problems:
        return
    if excludes_unknown:  # the files at fault may be left out of the package
        yield Unsure(fn, f"package {shown_path}: {problems[0]}, unless excluded ({excludes_unknown})", value.source)
        return
    listed = "; ".join(problems[:SHOWN])
    more = f", and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    yield Issue(
        fn,
        f"deployment package {shown_path} of {fn.name}: {listed}{more}. Lambda runs the code as "
        f"another user, so it cannot read them (Permission denied). {remedy}",
        value.source,
    )


def _problem(name: str, mode: int, is_dir: bool, added: int = 0, mode_set: int | None = None) -> str | None:
    if mode_set is not None:  # the packager gives every file this mode instead of its own
        shown = f"{mode & 0o7777:04o} (packaged as {mode_set & 0o7777:04o})" if mode_set & 0o7777 != mode & 0o7777 \
            else f"{mode & 0o7777:04o}"
        mode = effective = mode_set
        return _verdict(name, shown, mode, effective, is_dir)
    effective = mode | added
    shown = f"{mode & 0o7777:04o}" if not added or effective == mode else f"{mode & 0o7777:04o} (packaged as {effective & 0o7777:04o})"
    return _verdict(name, shown, mode, effective, is_dir)


def _verdict(name: str, shown: str, mode: int, effective: int, is_dir: bool) -> str | None:
    if is_dir:
        if effective & 0o005 != 0o005:
            return f"{name}/ is {shown}; Lambda needs o+rx (755)"
        return None
    if mode & 0o111:  # executable
        if effective & 0o005 != 0o005:
            return f"{name} is {shown}, an executable; Lambda needs o+rx (755)"
        return None
    if not effective & 0o004:
        return f"{name} is {shown}; Lambda needs o+r (644)"
    return None


def _walk(path: str, shown_path: str, added: int, mode_set: int | None = None, excludes: tuple = ()):
    """Files whose mode keeps Lambda from reading them.  Directories are not packaged as
    entries by the tools that zip a directory, so only files (and executables) count; paths
    matching ``excludes`` (relative to ``path``) are left out, as the packager leaves them."""
    problems, count = [], 0
    for folder, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        if excludes:
            below = os.path.relpath(folder, path).replace(os.sep, "/")
            below = "" if below == "." else below + "/"
            dirs[:] = [d for d in dirs if not _excluded(below + d, excludes)]
            files = [f for f in files if not _excluded(below + f, excludes)]
        count += len(dirs) + len(files)  # directories count: a tree of empty ones costs a walk too
        if count > MAX_PACKAGE_ENTRIES:  # the budget (CodeUri: . in a monorepo)
            return problems, f"more than {MAX_PACKAGE_ENTRIES:,} entries (the package budget), not all checked"
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            full = os.path.join(folder, name)
            try:
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    if not project().contains(full):
                        continue  # never follow a symlink out of the project
                    info = os.stat(full)
                    if stat.S_ISDIR(info.st_mode):
                        continue  # not walked (may loop); its files are checked where they live
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if _problem("", info.st_mode, False, added, mode_set) is None:
                continue  # the common case: no need to build the name shown in a message
            shown = os.path.join(shown_path, os.path.relpath(full, path)).replace(os.sep, "/")
            problems.append(_problem(shown, info.st_mode, False, added, mode_set))
    return problems, None


def _excluded(relative: str, excludes: tuple) -> bool:
    return any(doublestar_match(pattern, relative) for pattern in excludes)


def _zip_entries(path: str):
    """Entries of a zip whose Unix mode keeps Lambda from reading them (central directory
    only, within the package budgets: nothing is extracted or decompressed)."""
    problems = []
    entries, unsure = zip_entries(path)
    if unsure:
        return [], unsure
    for entry in entries:
        mode = entry.external_attr >> 16
        if entry.create_system != 3 or mode == 0:
            continue  # made where files have no Unix mode: Lambda applies its own
        if stat.S_ISLNK(mode):
            continue
        is_dir = entry.is_dir() or stat.S_ISDIR(mode)
        problem = _problem(entry.filename.rstrip("/"), mode, is_dir)
        if problem:
            problems.append(f"entry {problem}")
    return problems, None
