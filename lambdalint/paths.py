"""Paths as users see them: shown relative to the current directory, matched against globs."""
from __future__ import annotations

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
