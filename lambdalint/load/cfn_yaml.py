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
"""
from __future__ import annotations

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

try:  # libyaml; the pure-Python parser is only a fallback for a PyYAML built without it
    _Parser = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Parser = yaml.SafeLoader

KEY = "__key__"
MAX_DEPTH = 500
MAX_NODES = 2_000_000

_Y = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
# Tags whose value is kept as the source text (timestamps, and the merge/value keys `<<`/`=`).
_TEXT_TAGS = frozenset({_STR, _Y + "timestamp", _Y + "merge", _Y + "value", "!"})
_MAP_TAGS = frozenset({None, "!", _Y + "map"})
_SEQ_TAGS = frozenset({None, "!", _Y + "seq"})

# Short-form tag -> long-form key.
_CFN_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}
for _name in ("GetAtt Sub Join If Select Split FindInMap ImportValue Equals And Or Not Base64 "
              "Cidr GetAZs Transform Length ToJsonString").split():
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
        data, spans = _build(parser, path)
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

    def locate(p) -> Span | None:
        marks = spans.get(tuple(p))
        if marks is None:
            return None
        start, end = marks
        return Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    return Document(path=path, format="cfn-yaml", data=data, text=text, locate=locate)


def _byte_position(text: str, offset) -> tuple[int, int]:
    """libyaml reports reader errors as a byte offset into the UTF-8 encoded text."""
    try:
        raw = text.encode("utf-8", "surrogatepass")[: int(offset)]
    except (TypeError, ValueError):
        return 1, 1
    start = raw.rfind(b"\n") + 1
    return raw.count(b"\n") + 1, len(raw[start:].decode("utf-8", "replace")) + 1


def _build(parser, file: str):
    """Consume the event stream of one document; return (data, {path: (start, end mark)})."""
    get = parser.get_event
    get()  # StreamStart
    event = get()
    if type(event) is StreamEndEvent:  # empty file
        return None, {}

    spans: dict = {}
    anchors: dict = {}  # anchor -> (value, subtree size)
    count = 0
    root = None
    # A frame per open collection: [container, child-path prefix, is-mapping, pending key
    # (None = a key is expected next) or next index, own path, long-form key or None,
    # start mark, anchor, node count at start].  Lists, not objects: this loop is hot.
    stack: list = []

    def fail(reason, mark):
        raise ParseError(file, reason, mark.line + 1, mark.column + 1)

    while True:
        event = get()
        cls = type(event)
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            container, _, _, _, own, wrap, start, anchor, first = stack.pop()
            marks = (start, event.end_mark)
            spans[own] = marks
            if wrap is None:
                value = container
            else:
                value = {wrap: container}
                spans[own + (wrap,)] = marks
            if anchor is not None:
                anchors[anchor] = (value, count - first + 1)
        else:
            # A new node: work out its path from the enclosing frame first.
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
                        if key in container:
                            first = spans[top[1] + (key, KEY)][0]
                            fail(f"duplicate key {key!r} (first at line {first.line + 1})",
                                 event.start_mark)
                        spans[top[1] + (key, KEY)] = (event.start_mark, event.end_mark)
                        if cls is ScalarEvent and event.anchor is not None:
                            anchors[event.anchor] = (key, 1)
                        top[3] = key
                        # Reserve the slot so a duplicate of a key whose value is still being
                        # built (a collection) is caught too; overwritten when the value ends.
                        container[key] = None
                        count += 1
                        continue
                    own = top[1] + (key,)
                else:
                    own = top[1] + (top[3],)
            else:
                own = ()

            if cls is ScalarEvent:
                count += 1
                tag = event.tag
                raw = event.value
                marks = (event.start_mark, event.end_mark)
                spans[own] = marks
                if tag is None:
                    value = _plain(raw) if event.implicit[0] else raw
                elif tag in _CFN_TAGS:
                    long = _CFN_TAGS[tag]
                    if long == "Fn::GetAtt":
                        value = {long: raw.split(".", 1)}
                    else:
                        value = {long: raw}
                    spans[own + (long,)] = marks
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
                if len(stack) >= MAX_DEPTH:
                    fail(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
                is_map = cls is MappingStartEvent
                tag = event.tag
                wrap = _CFN_TAGS.get(tag)
                if wrap is None and tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                    fail(f"unsupported YAML tag {_show(tag)}", event.start_mark)
                prefix = own if wrap is None else own + (wrap,)
                stack.append([{} if is_map else [], prefix, is_map, None if is_map else 0, own,
                              wrap, event.start_mark, event.anchor, count])
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
                spans[own] = (event.start_mark, event.end_mark)
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
