"""Paths as users see them (shown relative to the current directory, matched against globs),
and the project a run may read.

The project is the current directory plus the directory of every path given on the command
line (a named file's own directory), symlinks resolved.  A path written *inside an input*
(a SAM ``CodeUri``, a ``Code`` or ``filename`` path, a nested stack's ``TemplateURL``, a
Terraform module ``source``, a CDK asset path) is read only when it resolves inside the
project: everything else stays :class:`~lambdalint.values.Unknown` and says so.  Every reader of
such a path asks :func:`confine` (a value) or :func:`project` ``.resolve`` (a string).
"""
from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import os
from pathlib import Path


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def glob_match(path: str, pattern: str) -> bool:
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, "*/" + pattern) or Path(path).match(pattern)


def _within(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class Project:
    """The directories a run may read (real paths, symlinks resolved)."""

    def __init__(self, paths=()):
        roots = {os.path.realpath(os.getcwd())}
        for raw in paths:
            real = os.path.realpath(raw)
            roots.add(real if os.path.isdir(real) else os.path.dirname(real))
        # an inner root adds nothing: keep the outermost ones, sorted for stable messages
        self.roots = tuple(r for r in sorted(roots) if not any(o != r and _within(r, o) for o in roots))
        self._dirs: dict[str, str] = {}  # directory -> its real path, for one run

    def real(self, path) -> str:
        """``os.path.realpath(path)``, with each directory resolved once per run: a run asks
        for the real path of every file several times (about 15,000 calls on the corpus, each
        an lstat per path component)."""
        head, tail = os.path.split(os.path.abspath(path))
        directory = self._dirs.get(head)
        if directory is None:
            directory = self._dirs[head] = os.path.realpath(head)
        if not tail:
            return directory
        full = os.path.join(directory, tail)
        return os.path.realpath(full) if os.path.islink(full) else full

    def contains(self, path: str) -> bool:
        """Whether ``path`` (symlinks resolved) lies inside the project."""
        try:
            real = self.real(path)
        except (OSError, ValueError):
            return False
        return any(_within(real, root) for root in self.roots)

    def resolve(self, written: str, base_dir: str) -> str | None:
        """``written`` (as it appears in an input, relative to ``base_dir``, the directory of
        the file it is written in) as a normalised path, or None when it lies outside."""
        if not isinstance(written, str) or not written.strip() or "\0" in written:
            return None
        path = os.path.normpath(os.path.join(base_dir or ".", written.strip()))
        return path if self.contains(path) else None


    def describe(self) -> str:
        """The project's directories as shown to the user (for messages)."""
        return ", ".join(display_path(Path(root)) for root in self.roots)


_current: contextvars.ContextVar[Project | None] = contextvars.ContextVar("lambdalint_project", default=None)


def real(path) -> str:
    """The real path of ``path`` (see :meth:`Project.real`)."""
    return project().real(path)


def project() -> Project:
    """The project of the current run (the current directory when no run set one)."""
    current = _current.get()
    return current if current is not None else Project()


@contextlib.contextmanager
def project_of(paths):
    """Make the project of ``paths`` the current one for the duration of a run."""
    token = _current.set(Project(paths))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@contextlib.contextmanager
def project_unless_set(paths):
    """The current run's project, or (for a direct API call outside a run, e.g. evaluating one
    Terraform directory) the project of ``paths`` for the duration."""
    if _current.get() is not None:
        yield _current.get()
        return
    with project_of(paths) as current:
        yield current


def confine(value, base_dir: str, what: str = "path"):
    """A path value written in an input, checked against the project.

    A ``Known`` string that resolves outside the project becomes ``Unknown`` naming the value
    and "outside the project" (nothing there is read); every other value is returned as it
    is.  ``base_dir`` is the directory of the file the value is written in (relative paths
    resolve against it); ``what`` names the property when the value cannot (``CodeUri``)."""
    from .native_names import native_name
    from .values import Known, Unknown

    if not isinstance(value, Known) or not isinstance(value.value, str):
        return value
    written = value.value.strip()
    if not written or "://" in written:
        return value  # a URL is not a local path: not read here either way
    if project().resolve(written, base_dir) is not None:
        return value
    try:
        full = os.path.normpath(os.path.join(base_dir or ".", written))
        real = os.path.realpath(full)
    except (OSError, ValueError):
        full = real = written
    where = f" (it resolves to {real})" if real != os.path.abspath(full) else ""
    return Unknown(f"{native_name(value, what)} {written} is outside the project{where}: lambdalint reads "
                   "only files under the paths it lints and the current directory", value.source,
                   cause="outside-project")
