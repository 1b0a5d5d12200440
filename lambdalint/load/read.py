"""Reading one input file safely: regular files only, within the size budget, decoded.

Nothing here blocks or reads without bound: the file is opened non-blocking (a FIFO opens
without waiting for a writer and is then refused), checked with ``fstat`` to be a regular
file (not a FIFO, device, socket or directory), and read only when its size is within the
budget.  Text is UTF-8, or UTF-16/UTF-32 when the file starts with that byte-order mark; a
UTF-8 byte-order mark is dropped.
"""
from __future__ import annotations

import codecs
import os
import re
import stat

from ..document import ParseError
from .limits import MAX_HCL_BYTES, MAX_PLAN_BYTES, MAX_TEMPLATE_BYTES, MB

# a Terraform plan (`terraform show -json`) by its first key: the one input that is legitimately big
PLAN_HEAD = re.compile(r'^\s*\{\s*"format_version"\s*:')
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


class TooLarge(ParseError):
    """The file is past the size budget (its head is kept to tell what it is)."""

    def __init__(self, file: str, size: int, limit: int, head: bytes):
        shown_limit = f"{limit // MB} MB" if limit % MB == 0 else _mb(limit)
        shown_size = _mb(size) if _mb(size) not in (shown_limit, _mb(limit)) else f"{size:,} bytes"
        super().__init__(file, f"file too large ({shown_size}, limit {shown_limit}): not parsed")
        self.size, self.head = size, head


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size // MB} MB"


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _strerror(error: OSError) -> str:
    return error.strerror or str(error)


def read_bytes(path, shown: str, limit: int = MAX_TEMPLATE_BYTES, head: int = 65536) -> bytes:
    """The bytes of the regular file ``path``.  Raises ParseError ("cannot read", "not a
    regular file") or :class:`TooLarge` (with the first ``head`` bytes) past ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise ParseError(shown, f"cannot read file: {_strerror(error)}") from None
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise ParseError(shown, f"not a regular file ({kind}): not read")
        if info.st_size > limit:
            raise TooLarge(shown, info.st_size, limit, os.read(fd, head))
        first = os.read(fd, info.st_size + 1)  # one read, one buffer: no copy of a large plan
        chunks, total = [first], len(first)
        while first:  # to the end (the file may have grown since fstat), never past the budget
            if total > limit:
                raise TooLarge(shown, total, limit, b"".join(chunks)[:head])
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as error:
        raise ParseError(shown, f"cannot read file: {_strerror(error)}") from None
    finally:
        os.close(fd)


def decode(raw: bytes, shown: str) -> str:
    """Text of a file: by its byte-order mark, else UTF-8.  Raises ParseError naming the
    line of the first byte that is not valid."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, raw = name, raw[len(bom):]
            break
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        newline = "\n".encode(encoding)
        before = raw[:error.start]
        line_start = before.rfind(newline) + len(newline) if newline in before else 0
        line = before.count(newline) + 1
        column = len(raw[line_start:error.start].decode(encoding, "replace")) + 1
        label = "UTF-8" if encoding == "utf-8" else encoding.upper().replace("-LE", "").replace("-BE", "")
        raise ParseError(shown, f"not {label} text ({error.reason} at byte {error.start})", line, column) from None


def budget_of(path, size: int, head: bytes) -> int:
    """The size budget the loaders hold the file ``path`` of ``size`` bytes to, ``head`` being
    its first bytes: HCL MAX_HCL_BYTES; a plan MAX_PLAN_BYTES; anything else
    MAX_TEMPLATE_BYTES.  A file past its budget is LL001 and never read in full."""
    if str(path).endswith(HCL_SUFFIXES):
        return MAX_HCL_BYTES
    if size <= MAX_TEMPLATE_BYTES:
        return MAX_TEMPLATE_BYTES
    return MAX_PLAN_BYTES if PLAN_HEAD.match(head.decode("utf-8", "replace").lstrip("\ufeff")) else MAX_TEMPLATE_BYTES


def read_text(path, shown: str, limit: int | None = None) -> str:
    """Decoded text of a regular file, within the size budget of its kind (HCL: MAX_HCL_BYTES,
    anything else: MAX_TEMPLATE_BYTES) unless ``limit`` says otherwise."""
    if limit is None:
        limit = MAX_HCL_BYTES if str(path).endswith(HCL_SUFFIXES) else MAX_TEMPLATE_BYTES
    return decode(read_bytes(path, shown, limit), shown)
