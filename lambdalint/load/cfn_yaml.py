"""CloudFormation/SAM YAML loader: text -> :class:`Document` of plain Python data.

Parsing is done by libyaml (``yaml.CSafeLoader``); the Python side only consumes libyaml's
*event* stream and builds the data in one iterative loop.  ``yaml.compose`` is deliberately not
used: its libyaml composer recurses in C without any limit and segfaults on ~50,000 nested
levels, and a linter must survive hostile input.  The event parser is a state machine, so the
depth limit below is enforced before anything deep is built.

Data and conventions
--------------------
* Scalars resolve as PyYAML's YAML 1.1 resolver does (``0x1F``/``0o17``/``017``/``1_000``/
  ``1:30`` ints, ``yes``/``off`` bools, ``~`` null ...); timestamps stay ``str``.  Mapping keys
  are always the key's source text (``1: a`` gives key ``"1"``), as in a JSON template.
* CloudFormation short forms become long forms: ``!Ref X`` -> ``{"Ref": "X"}``,
  ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}`` (split at the first dot), ``!Sub ...`` ->
  ``{"Fn::Sub": ...}``, ``!Condition X`` -> ``{"Condition": "X"}``.  Any other tag
  (``!!python/...``, ``!!binary``, ``!!set``, an unknown ``!Foo``) is a :class:`ParseError`;
  no Python object is ever constructed.
* Anchors/aliases are accepted (SAM CLI and cfn-lint accept them; CloudFormation itself does
  not document them).  An alias yields the *same* Python object as its anchor, so the data must
  be treated as read-only.  Every alias adds the size of the aliased subtree to a node counter,
  so a "billion laughs" document fails fast instead of exploding later in a rule's tree walk.
* Merge keys: CloudFormation does not support ``<<`` merges, so ``<<`` is an ordinary key
  (the template then fails CloudFormation's own validation instead of silently changing here).
* Duplicate keys are a ParseError (CloudFormation rejects them), located at the second key.
* Multiple documents in one file are a ParseError ("expected a single document"), as in
  cfn-lint and CloudFormation; the caller decides whether the file was a template at all.

Spans (``Document.locate``)
---------------------------
``locate(path)`` gives the span of the *value* at ``path``.  ``path + ("__key__",)`` gives the
span of the mapping key that introduces that value (e.g. ``("Resources", "Fn", "__key__")`` is
the resource header line).  For a converted short form, the node's path and the path with the
long-form key (``(..., "Ref")``, ``(..., "Fn::GetAtt")``) both map to the tagged node.  Paths
inside an aliased value are not recorded; :meth:`Document.span` falls back to the alias.

A span is stored as one int of character offsets (value start and end, and the key's when the
value has one), not as libyaml's mark objects: a template has one span per value, and the marks
took three quarters of a loaded template's memory.  Lines and columns are computed from the
offsets when a span is asked for, counting line breaks as libyaml does (``\r\n``, ``\r``,
``\n``, NEL, LS, PS).
"""
from __future__ import annotations

import re

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from lambdalint.document import Document, ParseError, Span
from lambdalint.load.json_locate import LineIndex
from lambdalint.load.limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES

try:  # libyaml; the pure-Python parser is only a fallback for a PyYAML built without it
    _Parser = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Parser = yaml.SafeLoader

KEY = "__key__"
# A span: value start | value end << 32, and for a mapping value also key start << 64 |
# key end << 96 | _HAS_KEY.  Offsets are characters into the text (files are far below 4 GiB).
_LOW = (1 << 32) - 1
_HAS_KEY = 1 << 128

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
# Tags whose value is kept as the source text (timestamps, and the merge/value keys `<<`/`=`).
_TEXT_TAGS = frozenset({_STR, _Y + "timestamp", _Y + "merge", _Y + "value", "!"})
_MAP_TAGS = frozenset({None, "!", _Y + "map"})
_SEQ_TAGS = frozenset({None, "!", _Y + "seq"})

# Short-form tag -> long-form key.
_CFN_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}
# The rule functions of a template's Rules section (Contains, EachMemberEquals, EachMemberIn,
# RefAll, ValueOf, ValueOfAll) have short forms too: CloudFormation and cfn-lint accept them.
for _name in ("GetAtt Sub Join If Select Split FindInMap ImportValue Equals And Or Not Base64 "
              "Cidr GetAZs Transform Length ToJsonString "
              "Contains EachMemberEquals EachMemberIn RefAll ValueOf ValueOfAll").split():
    _CFN_TAGS["!" + _name] = "Fn::" + _name

_IMPLICIT = Resolver.yaml_implicit_resolvers  # first character -> [(tag, regexp)]
_SC = SafeConstructor()  # only its int/float/bool constructors are used: same semantics as PyYAML


def _plain(value: str):
    """Resolve an untagged plain scalar like PyYAML (YAML 1.1)."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return _typed(tag, value)
    return value


def _typed(tag: str, value: str):
    if tag in _TEXT_TAGS:
        return value
    if tag == _INT:
        return _SC.construct_yaml_int(ScalarNode(tag, value))
    if tag == _FLOAT:
        return _SC.construct_yaml_float(ScalarNode(tag, value))
    if tag == _BOOL:
        return _SC.bool_values[value.lower()]
    if tag == _NULL:
        return None
    raise KeyError(tag)


def _show(tag) -> str:
    return "!!" + tag[len(_Y):] if tag.startswith(_Y) else tag


def load_yaml(text: str, path: str) -> Document:
    parser = None
    try:
        parser = _Parser(text)  # inside the try: libyaml encodes the text here and can fail
        data, spans = _build(parser, path, text)
    except ParseError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or str(exc)
        if reason == "found character that cannot start any token" and mark is not None:
            # libyaml leaves out the offending character (PyYAML shows it): add it back.
            reason = f"found character {text[mark.index:mark.index + 1]!r} that cannot start any token"
        if mark is None:
            raise ParseError(path, reason) from None
        raise ParseError(path, reason, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line, column = _byte_position(text, exc.position)
        raise ParseError(path, f"unacceptable character #x{exc.character:04x}: {exc.reason}",
                         line, column) from None
    except Exception as exc:  # anything else from the parser (e.g. unencodable surrogates)
        raise ParseError(path, f"cannot parse YAML: {exc}") from None
    finally:
        if parser is not None:
            parser.dispose()

    lines: list = []  # built on the first lookup only

    def locate(p) -> Span | None:
        p = tuple(p)
        if p and p[-1] == KEY:
            packed = spans.get(p[:-1])
            if packed is None or not packed & _HAS_KEY:
                return None
            packed >>= 64
        else:
            packed = spans.get(p)
            if packed is None:
                return None
        if not lines:
            lines.append(yaml_lines(text))
        line, column = lines[0].position(packed & _LOW)
        end_line, end_column = lines[0].position((packed >> 32) & _LOW)
        return Span(path, line, column, end_line, end_column)

    return Document(path=path, format="cfn-yaml", data=data, text=text, locate=locate)


_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_BREAKS = ("\n",) + _OTHER_BREAKS
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def yaml_lines(text: str) -> LineIndex:
    """Offset -> (line, column) with libyaml's line breaks (``\r\n`` is one break).

    At the end of a text whose last line has no line break, libyaml ends the open collections
    on a virtual next line (column 0); ``_build`` stores those marks as offset ``len + 1``,
    which this index puts at the start of that line."""
    if not any(mark in text for mark in _OTHER_BREAKS):
        return LineIndex(text)  # "\n" only, split in C; its last start is len + 1 already
    index = LineIndex("")
    index.starts = [0] + [match.end() for match in _BREAK.finditer(text)]
    if not text.endswith(_BREAKS):
        index.starts.append(len(text) + 1)
    return index


def _byte_position(text: str, offset) -> tuple[int, int]:
    """libyaml reports reader errors as a byte offset into the UTF-8 encoded text."""
    try:
        raw = text.encode("utf-8", "surrogatepass")[: int(offset)]
    except (TypeError, ValueError):
        return 1, 1
    start = raw.rfind(b"\n") + 1
    return raw.count(b"\n") + 1, len(raw[start:].decode("utf-8", "replace")) + 1


def _build(parser, file: str, text: str):
    """Consume the event stream of one document; return (data, {path: packed span})."""
    get = parser.get_event
    get()  # StreamStart
    event = get()
    if type(event) is StreamEndEvent:  # empty file
        return None, {}

    spans: dict = {}
    # A mark at this offset with column 0 is on libyaml's virtual line after an unterminated
    # last line (see yaml_lines): stored as offset + 1.  -1 when the text ends with a break.
    eof = -1 if not text or text.endswith(_BREAKS) else len(text)
    anchors: dict = {}  # anchor -> (value, subtree size)
    count = 0
    root = None
    # A frame per open collection: [container, child-path prefix, is-mapping, pending key
    # (None = a key is expected next) or next index, own path, long-form key or None,
    # start offset, anchor, node count at start, packed span of the pending key, path of the
    # pending key's value].  Lists, not objects: this loop is hot.
    stack: list = []

    def fail(reason, mark):
        raise ParseError(file, reason, mark.line + 1, mark.column + 1)

    while True:
        event = get()
        cls = type(event)
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            container, _, _, _, own, wrap, start, anchor, first, _, _ = stack.pop()
            end = event.end_mark.index
            if end == eof and not event.end_mark.column:
                end += 1
            packed = start | end << 32
            if wrap is None:
                value = container
            else:
                value = {wrap: container}
                spans[own + (wrap,)] = packed
            keyed = 0
            if stack and stack[-1][2]:
                keyed = stack[-1][9]
            spans[own] = packed | keyed
            if anchor is not None:
                anchors[anchor] = (value, count - first + 1)
        else:
            # A new node: work out its path from the enclosing frame first.
            keyed = 0
            if stack:
                top = stack[-1]
                if top[2]:
                    key = top[3]
                    if key is None:  # this node is a mapping key
                        if cls is ScalarEvent and (event.tag is None or event.tag in _TEXT_TAGS
                                                   or event.tag in (_INT, _FLOAT, _BOOL, _NULL)):
                            key = event.value
                        elif cls is AliasEvent and type(anchors.get(event.anchor, (0,))[0]) is str:
                            key = anchors[event.anchor][0]
                        else:
                            fail("mapping keys must be plain strings", event.start_mark)
                        container = top[0]
                        own = top[1] + (key,)
                        if key in container:
                            first = yaml_lines(text).position((spans[own] >> 64) & _LOW)[0]
                            fail(f"duplicate key {key!r} (first at line {first})", event.start_mark)
                        keyed = (event.start_mark.index << 64 | event.end_mark.index << 96) | _HAS_KEY
                        spans[own] = keyed
                        if cls is ScalarEvent and event.anchor is not None:
                            anchors[event.anchor] = (key, 1)
                        top[3] = key
                        top[9] = keyed
                        top[10] = own
                        # Reserve the slot so a duplicate of a key whose value is still being
                        # built (a collection) is caught too; overwritten when the value ends.
                        container[key] = None
                        count += 1
                        continue
                    own = top[10]
                    keyed = top[9]
                else:
                    own = top[1] + (top[3],)
            else:
                own = ()

            if cls is ScalarEvent:
                count += 1
                tag = event.tag
                raw = event.value
                start, end = event.start_mark.index, event.end_mark.index
                if end == eof:  # an empty value at the very end may sit on the virtual line
                    start += start == eof and not event.start_mark.column
                    end += not event.end_mark.column
                packed = start | end << 32
                spans[own] = packed | keyed
                if tag is None:
                    try:
                        value = _plain(raw) if event.implicit[0] else raw
                    except ValueError:  # an int past Python's conversion limit (4,300 digits)
                        fail(f"number with more than {MAX_INT_DIGITS:,} digits", event.start_mark)
                elif tag in _CFN_TAGS:
                    long = _CFN_TAGS[tag]
                    if long == "Fn::GetAtt":
                        value = {long: raw.split(".", 1)}
                    else:
                        value = {long: raw}
                    spans[own + (long,)] = packed
                else:
                    try:
                        value = _typed(tag, raw)
                    except KeyError:
                        fail(f"unsupported YAML tag {_show(tag)}", event.start_mark)
                    except ValueError:
                        fail(f"invalid value {raw!r} for tag {_show(tag)}", event.start_mark)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                count += 1
                if count > MAX_NODES:  # without aliases too (a file within the size budget can hold more)
                    fail(f"document has more than {MAX_NODES:,} nodes", event.start_mark)
                if len(stack) >= MAX_DEPTH:
                    fail(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
                is_map = cls is MappingStartEvent
                tag = event.tag
                wrap = _CFN_TAGS.get(tag)
                if wrap is None and tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                    fail(f"unsupported YAML tag {_show(tag)}", event.start_mark)
                prefix = own if wrap is None else own + (wrap,)
                start = event.start_mark.index
                if start == eof and not event.start_mark.column:
                    start += 1
                stack.append([{} if is_map else [], prefix, is_map, None if is_map else 0, own,
                              wrap, start, event.anchor, count, 0, None])
                continue
            elif cls is AliasEvent:
                hit = anchors.get(event.anchor)
                if hit is None:
                    fail(f"found undefined alias {event.anchor!r}", event.start_mark)
                value, size = hit
                count += size
                if count > MAX_NODES:
                    fail(f"document expands to more than {MAX_NODES:,} nodes (YAML alias bomb?)",
                         event.start_mark)
                spans[own] = (event.start_mark.index | event.end_mark.index << 32) | keyed
            else:  # pragma: no cover - libyaml emits nothing else inside a document
                fail(f"unexpected YAML event {cls.__name__}", event.start_mark)

        # Place the finished value in its parent.
        if not stack:
            root = value
            break
        top = stack[-1]
        if top[2]:
            top[0][top[3]] = value
            top[3] = None
        else:
            top[0].append(value)
            top[3] += 1

    get()  # DocumentEnd
    event = get()
    if type(event) is DocumentStartEvent:
        fail("expected a single document in the stream, but found another document",
             event.start_mark)
    return root, spans
