"""A zip's central directory, read within the package budgets and never extracted.

Before ``zipfile`` builds an object per entry, the end-of-central-directory record (the last
22 bytes to 64 KB of the file, or its Zip64 form) says how many entries there are and how
big the directory is; past :data:`~lambdalint.load.limits.MAX_PACKAGE_ENTRIES` or
:data:`~lambdalint.load.limits.MAX_ZIP_DIRECTORY_BYTES` nothing more is read.
"""
from __future__ import annotations

import os
import stat
import struct
import zipfile

from .limits import MAX_PACKAGE_ENTRIES, MAX_ZIP_DIRECTORY_BYTES

_EOCD = struct.Struct("<4s4H2LH")  # signature, disks, entries here, entries, size, offset, comment
_LOCATOR = struct.Struct("<4sLQL")  # Zip64 end-of-directory locator
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # Zip64 end-of-directory record


def directory_size(path: str) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end records, or None when not a zip."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        tail = min(size, _EOCD.size + 65535)
        handle.seek(size - tail)
        data = handle.read(tail)
        at = data.rfind(b"PK\x05\x06")
        if at < 0 or len(data) - at < _EOCD.size:
            return None
        _, _, _, _, entries, cd_size, _, _ = _EOCD.unpack_from(data, at)
        if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= _LOCATOR.size:
            signature, _, offset, _ = _LOCATOR.unpack_from(data, at - _LOCATOR.size)
            if signature == b"PK\x06\x07" and 0 <= offset <= size - _EOCD64.size:
                handle.seek(offset)
                record = handle.read(_EOCD64.size)
                if len(record) == _EOCD64.size and record[:4] == b"PK\x06\x06":
                    fields = _EOCD64.unpack(record)
                    entries, cd_size = fields[7], fields[8]
        return entries, cd_size


def is_zip(path: str) -> bool:
    try:
        return directory_size(path) is not None
    except OSError:
        return False


def zip_entries(path: str) -> tuple[list[zipfile.ZipInfo], str | None]:
    """The entries of the zip at ``path`` (a regular file), or ([], reason) when it cannot be
    read or is past a budget."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return [], "not a regular file"
        found = directory_size(path)
        if found is None:
            return [], "cannot read the zip (File is not a zip file)"
        entries, cd_size = found
        if entries > MAX_PACKAGE_ENTRIES:
            return [], f"{entries:,} entries, more than the package budget of {MAX_PACKAGE_ENTRIES:,}; not checked"
        if cd_size > MAX_ZIP_DIRECTORY_BYTES:
            return [], (f"central directory of {cd_size:,} bytes, more than the package budget of "
                        f"{MAX_ZIP_DIRECTORY_BYTES:,}; not checked")
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, struct.error, EOFError) as error:
        return [], f"cannot read the zip ({error})"
    if len(infos) > MAX_PACKAGE_ENTRIES:  # the end record under-stated them
        return [], f"more than {MAX_PACKAGE_ENTRIES:,} entries (the package budget); not checked"
    return infos, None
