"""What the streamed runner (:mod:`lambdalint.stream`) keeps of a group once its documents and
model are gone, and how it finds which files are linked.

* Frozen copies: a ``FrozenSource`` has its span, key and property names resolved, so the values
  and entities that hold it keep no document alive (the run-wide log groups, VPC endpoints and
  alarms every group is shown; the LL401 record of every function).
* Link keys: the import names of an entity, the literal log group names a function writes to and
  a model declares; ``groups`` joins units that share a key (union-find).
* ``scan``: what a file's bytes say before it is parsed (may it hold a run-wide fact or an
  import; may it nest templates).
"""
from __future__ import annotations

import os
import re
import stat

from .load.read import budget_of
from .model import LogGroup, Role
from .values import Either, Known, Unknown, Value, handled, known_str

_FIRST = re.compile(rb"ImportValue|AWS::Logs::LogGroup|AWS::EC2::VPCEndpoint|AWS::CloudWatch::Alarm"
                    rb"|aws_cloudwatch_log_group|aws_vpc_endpoint|aws_cloudwatch_metric_alarm")
_NESTS = re.compile(rb"AWS::CloudFormation::Stack|AWS::Serverless::Application")
_CALLS = re.compile(rb"\bmodule\b")  # Terraform module calls: a child's resources may hold anything


class FrozenDoc:
    __slots__ = ("path", "format")

    def __init__(self, path, format):
        self.path, self.format = path, format


class FrozenSource:
    """A Source whose location is resolved: it keeps no document alive."""

    __slots__ = ("doc", "path", "_span", "_key", "property_names")

    def __init__(self, source):
        from .native_names import _property_names

        self.doc = FrozenDoc(source.doc.path, source.doc.format)
        self.path = tuple(source.path)
        self._span, self._key = _attempt(lambda: source.span), _attempt(lambda: source.key)
        self.property_names = _property_names(source.doc, self.path)  # native_names.native_name

    @property
    def span(self):  # a location that could not be worked out fails where the original would
        if isinstance(self._span, Exception):
            raise self._span
        return self._span

    @property
    def key(self):
        if isinstance(self._key, Exception):
            raise self._key
        return self._key


def _attempt(compute):
    try:
        return compute()
    except Exception as error:  # kept, raised when asked for (see FrozenSource.span)
        return error


class FrozenFunction:
    __slots__ = ("name", "source", "construct_path")

    def __init__(self, fn):
        self.name = fn.name
        self.source = freeze(fn.source)
        self.construct_path = getattr(fn, "construct_path", None)


def _frozen_value(value, depth=0):
    from dataclasses import replace

    if not isinstance(value, Value) or depth > 50:
        return value
    changes = {}
    if value.source is not None and not isinstance(value.source, FrozenSource):
        changes["source"] = FrozenSource(value.source)
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, list):
            changes["value"] = [_frozen_value(v, depth + 1) for v in raw]
        elif isinstance(raw, dict):
            changes["value"] = {k: _frozen_value(v, depth + 1) for k, v in raw.items()}
    elif isinstance(value, Either):
        changes["options"] = tuple(_frozen_value(v, depth + 1) for v in value.options)
    return replace(value, **changes) if changes else value


def frozen_entity(entity):
    """A copy of a run-wide entity that keeps no document alive: what other groups' checks read
    of it (names, values, locations, property names) resolved ahead."""
    import copy

    frozen = copy.copy(entity)
    for name in entity.__dataclass_fields__:
        current = getattr(entity, name)
        if isinstance(current, Value):
            setattr(frozen, name, _frozen_value(current))
    frozen.source = freeze(entity.source)
    return frozen


def freeze(source):
    return FrozenSource(source) if source is not None and not isinstance(source, FrozenSource) else source


class RunRecords:
    """What the run-level rules read once every group is gone."""

    def __init__(self):
        self.concurrency: list = []  # LL401 Contribution per function that reserves (or may), run order
        self.function_names: dict = {}  # every function's name -> how many functions have it
        self.unused_suppressions: list = []
        self.internal_errors: list = []
        self.files: list = []

    def functions(self):
        return [record.fn for record in self.concurrency]


def import_names(entity) -> set:
    found = set()

    def walk(value, depth=0):
        if depth > 50:
            return
        if isinstance(value, Unknown):
            if value.import_name is not None:
                found.add(value.import_name)
        elif isinstance(value, Known):
            raw = value.value
            if isinstance(raw, list):
                for item in raw:
                    walk(item, depth + 1)
            elif isinstance(raw, dict):
                for item in raw.values():
                    walk(item, depth + 1)
        elif isinstance(value, Either):
            for option in value.options:
                walk(option, depth + 1)

    for name in entity.__dataclass_fields__:
        current = getattr(entity, name)
        if isinstance(current, Value):
            walk(current)
    if isinstance(entity, Role):
        for _origin, document, _source in entity.inline_documents:
            walk(document)
        for arn in entity.managed_arns:
            walk(arn)
    return found


def log_names_written(fn) -> set:
    """Literal log group names a function writes to (model.logs.function_logs, names only)."""
    names = set()
    if not fn.log_group.absent:
        for leaf in fn.log_group.leaves():
            if isinstance(leaf, Known) and isinstance(leaf.value, str):
                names.add(leaf.value)
    else:
        for leaf in handled(fn.function_name).leaves():
            text = known_str(leaf)
            if text:
                names.add("/aws/lambda/" + text)
    return names


def log_names_declared(model) -> set:
    names = set()
    for group in model.by_class.get(LogGroup, ()):
        for leaf in handled(group.log_group_name).leaves():
            text = known_str(leaf)
            if text is not None:
                names.add(text)
    return names


def scan(path) -> tuple[bool, bool]:
    """(may hold a run-wide fact or an import, may nest templates) from the file's bytes."""
    try:  # never blocks: a FIFO or device is opened without waiting and not read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False, False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False, False
        budget = budget_of(path, info.st_size, os.pread(fd, 4096, 0))
        if info.st_size > budget:
            return True, True  # LL001 unread (load/read.py): its bytes are never read here either
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(budget + 1)
    except OSError:
        return False, False
    finally:
        os.close(fd)
    return bool(_FIRST.search(raw)), bool(_NESTS.search(raw))


def groups(units: list) -> list[list]:
    """Units linked by a shared key, each group in run order, groups by their first unit."""
    parent = list(range(len(units)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for i, unit in enumerate(units):
        for key in unit.keys:
            if key in owner:
                a, b = find(owner[key]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict = {}
    for i, unit in enumerate(units):
        groups.setdefault(find(i), []).append(unit)
    return [groups[k] for k in sorted(groups)]


def scan_directory(directory) -> bool:
    """May the files of the Terraform module in ``directory`` hold a run-wide fact?"""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return True
    return any(scan(os.path.join(directory, name))[0] for name in names if name.endswith((".tf", ".tf.json")))


def calls_modules(directory) -> bool:
    """May the Terraform module in ``directory`` call a module (the word ``module`` anywhere)?"""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return True
    return any(_has(os.path.join(directory, name), _CALLS) for name in names if name.endswith((".tf", ".tf.json")))


def _has(path, pattern) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        budget = budget_of(path, info.st_size, os.pread(fd, 4096, 0))
        if info.st_size > budget:
            return True  # LL001 unread (load/read.py): its bytes are never read here either
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return bool(pattern.search(handle.read(budget + 1)))
    except OSError:
        return False
    finally:
        os.close(fd)
