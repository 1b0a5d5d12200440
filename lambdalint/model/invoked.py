"""Which function a value that should name a function invokes, however it is written.

An event source mapping, a push trigger or an event invoke configuration may name its function
by reference (``!Ref Fn``, ``aws_lambda_function.f.arn``), through an alias or a version
(``!Ref FnAliasLive``, ``!Ref FnVersion``, ``aws_lambda_alias.live.arn``, SAM's ``!Ref Fn.Alias``),
inside a string (``!Sub ${Fn.Arn}:live``), or literally by name or ARN, qualified or not
(``worker``, ``worker:live``, ``arn:aws:lambda:us-east-1:123456789012:function:worker:live``,
``123456789012:function:worker``).  An alias or version runs its function's code with its
function's role and settings, so the relation belongs to the function; the model draws the edge
to it once, here, and no rule has to follow aliases itself.

A literal name matches a function of the same template / module directory / plan whose name is
the same literal (names are per account and region; in one file they are the same function).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..partial_strings import arn_fields
from ..values import Absent, Known, ResourceRef, Unknown, Value, handled, known_str
from .entities import Alias, Function

# Lambda function names (and the qualifier after them): letters, digits, hyphens, underscores
_NAME = re.compile(r"[A-Za-z0-9_-]{1,140}")
_PLAIN = re.compile(r"^([A-Za-z0-9_-]+)(?::(?:\$LATEST|[A-Za-z0-9_-]+))?$")
_TOKEN = re.compile(r"^\$\{([^}]+)\.([A-Za-z_]+)\}(?::[^:]+)?$")  # ${node.attr} or ${node.attr}:qualifier


def container(node: str) -> str:
    return node.rsplit("#", 1)[0]


class FunctionNames:
    """Functions of the model by (container, literal function name), and by (container, logical
    name) for SAM's ``Fn.Alias`` / ``Fn.Version`` references."""

    def __init__(self, model):
        self.model = model
        self.by_literal: dict[tuple, list] = {}
        self.by_name: dict[tuple, str] = {}
        for fn in model.functions():
            self.by_name[(container(fn.node), fn.name)] = fn.node
            name = known_str(fn.function_name)
            if name and "${" not in name:
                self.by_literal.setdefault((container(fn.node), name), []).append(fn)

    def functions(self, value: Value, at: str) -> list[Function]:
        """Functions named by ``value`` (every branch), for an entity whose node is ``at``."""
        found: dict[str, Function] = {}
        for leaf in value.leaves() if value is not None else ():
            for fn in self._leaf(leaf, at):
                found[fn.node] = fn
        return list(found.values())

    def _leaf(self, leaf: Value, at: str) -> list[Function]:
        if not isinstance(leaf, Known):
            return []
        raw = leaf.value
        if isinstance(raw, ResourceRef):
            return self._entity(raw.node, raw.name)
        if not isinstance(raw, str):
            return []
        token = _TOKEN.match(raw)
        if token:
            return self._entity(token.group(1), "")
        name = literal_function_name(raw)
        if name is None:
            return []
        candidates = self.by_literal.get((container(at), name), [])
        return candidates if len(candidates) == 1 else []

    def _entity(self, node: str, name: str) -> list[Function]:
        target = self.model.entities.get(node)
        if isinstance(target, Function):
            return [target]
        if isinstance(target, Alias) and target.kind in ("lambda:alias", "lambda:version"):
            return [t for t in self.model.targets(target.function) if isinstance(t, Function)]
        if target is None and "." in name:  # SAM: !Ref Fn.Alias / Fn.Version
            owner = self.by_name.get((container(node), name.split(".", 1)[0]))
            return [self.model.entities[owner]] if owner else []
        return []


def literal_function_name(text: str) -> str | None:
    """The function name in a literal function name or ARN, qualified or not (None when the
    name part is not a literal)."""
    if text.startswith("arn:"):
        fields = arn_fields(text)
        if fields is None or fields[2] != "lambda":
            return None
        resource = fields[5].split(":")
        if len(resource) < 2 or resource[0] != "function":
            return None
        name = resource[1]
    elif ":function:" in text:  # partial ARN: 123456789012:function:name[:qualifier]
        name = text.split(":function:", 1)[1].split(":", 1)[0]
    else:
        plain = _PLAIN.match(text)
        name = plain.group(1) if plain else ""
    return name if _NAME.fullmatch(name) else None


# -- qualifiers: which alias or version of the function a reference invokes -----------------------

_HIDE = re.compile(r"\$\{[^}]*\}")
_NAME_WRITTEN = re.compile(r"(?:[A-Za-z0-9_-]|\$\{[^}]*\})+")  # a name, placeholders allowed


@dataclass(frozen=True)
class Qualifier:
    """The alias or version a reference to a function names, or none: the function itself
    (``!GetAtt Fn.Arn``, ``worker``) is *unqualified*.  A literal alias name or version number is
    ``text``; an alias whose name is not literal is its entity (``alias``), as is a published
    version whose number is known only once deployed (``version``: the version's node, or the
    function's for Terraform's ``qualified_arn`` / ``.version``); ``unknown`` when the qualifier
    itself is known only at deploy time (a parameter, an API Gateway stage variable)."""

    text: str | None = None
    alias: str | None = None
    version: str | None = None
    unknown: Unknown | None = None
    shown: str = ""  # in words, for messages

    @property
    def unqualified(self) -> bool:
        return self.text is None and self.alias is None and self.version is None and self.unknown is None

    def words(self) -> str:
        if self.unqualified:
            return "the function itself (unqualified)"
        if self.unknown is not None:
            return f"qualifier {self.shown or self.unknown.reason}"
        if self.version is not None or (self.text or "").isdigit() or self.text == "$LATEST":
            return f"version {self.shown or self.text}"
        return f"alias {self.shown or self.text}"


UNQUALIFIED = Qualifier()


def same_qualifier(a: Qualifier, b: Qualifier) -> bool | None:
    """Whether two references invoke the same alias/version (None: cannot tell).  Alias names
    are never all digits, so an alias is never a version; a function's aliases have different
    names, and its versions different numbers."""
    if a.unknown is not None or b.unknown is not None:
        return None
    if a.unqualified or b.unqualified:
        if "$LATEST" in (a.text, b.text):  # no policy can be on $LATEST; which one its ARN uses is not documented
            return None
        return a.unqualified and b.unqualified
    if (a.alias and a.alias == b.alias) or (a.version and a.version == b.version):
        return True
    if a.text is not None and b.text is not None:
        return a.text == b.text
    for one, other in ((a, b), (b, a)):
        if one.version is not None:  # a version known once deployed: a number, never an alias name
            if other.text is not None:
                return None if other.text.isdigit() else False
            return False  # another version, or an alias
        if one.alias is not None and other.text is not None:  # an alias of unknown name vs a literal
            return None if not other.text.isdigit() else False
    return False  # two different alias entities


def _qualifier_text(text: str, leaf: Value) -> Qualifier:
    """A qualifier written as text (``live``, ``3``, ``$LATEST``, ``${?AliasName}``)."""
    if text == "":
        return UNQUALIFIED
    if "${" in text:
        why = leaf if isinstance(leaf, Unknown) else Unknown(
            f"{text} (known only when invoked: an API Gateway stage variable)" if "stageVariables" in text
            else f"{text} (known only at deploy time)", leaf.source, cause="after-apply" if "stageVariables" not in text
            else "other")
        return Qualifier(unknown=why)
    return Qualifier(text=text)


def _split(text: str) -> list[str]:
    """``text`` split at colons outside ``${...}`` placeholders."""
    hidden: list[str] = []

    def hide(match):
        hidden.append(match.group(0))
        return f"\x00{len(hidden) - 1}\x00"

    parts = _HIDE.sub(hide, text).split(":")
    return [re.sub("\x00(\\d+)\x00", lambda m: hidden[int(m.group(1))], part) for part in parts]


def _text_qualifier(model, text: str, leaf: Value) -> Qualifier:
    """The qualifier in a string naming a function: a (partial) ARN, a name, or a reference token
    (``${Fn.arn}:live``, ``arn:...:function:${Fn.name}:live``, ``worker:3``)."""
    parts = _split(text)
    if text.startswith("arn") and len(parts) >= 7 and parts[5] == "function":
        rest = parts[7:]
    elif "function" in parts:  # 123456789012:function:name[:qualifier]
        rest = parts[parts.index("function") + 2:]
    else:
        token = _TOKEN.fullmatch(parts[0])
        token = token if token and token.group(1) in model.entities else None
        if token and len(parts) == 1:
            return ref_qualifier(model, ResourceRef(token.group(1), token.group(2), ""))
        if len(parts) > 2 or not (token or _NAME_WRITTEN.fullmatch(parts[0])) or parts[0] == "${AWS::AccountId}" or (
                len(parts[0]) == 12 and parts[0].isdigit() and len(parts) == 2):  # not name[:qualifier]
            return Qualifier(unknown=Unknown(f"{text} (not a function name or ARN lambdalint recognizes)", leaf.source,
                                             cause="unsupported"), shown=text)
        rest = parts[1:]
    if not rest:
        return UNQUALIFIED
    return _qualifier_text(":".join(rest), leaf)


def ref_qualifier(model, ref: ResourceRef) -> Qualifier:
    """The qualifier a reference names: an alias (its name), a version, a function (none; its
    Terraform ``qualified_arn`` / ``version``: the latest published version)."""
    target = model.entities.get(ref.node)
    if target is None and ref.name.endswith((".Alias", ".Version")):  # SAM: !Ref Fn.Alias / Fn.Version
        names = getattr(model, "_function_names_index", None) or FunctionNames(model)
        owner = model.entities.get(names.by_name.get((container(ref.node), ref.name.rsplit(".", 1)[0]), ""))
        if isinstance(owner, Function):
            return _function_qualifier(owner, ref.name.rsplit(".", 1)[1].lower())
        return Qualifier(version=ref.node, shown=ref.name) if ref.name.endswith(".Version") else Qualifier(
            alias=ref.node, shown=ref.name)
    if isinstance(target, Function):
        return _function_qualifier(target, ref.attr)
    if isinstance(target, Alias):
        if target.kind == "lambda:version":
            return Qualifier(version=target.node, shown=target.name)
        name = known_str(target.qualifier)
        if name is not None and "${" not in name:
            return _qualifier_text(name, target.qualifier)
        handled(target.qualifier)  # a name known only at deploy time: still this one alias
        return Qualifier(alias=target.node, shown=target.name)
    return UNQUALIFIED


def _function_qualifier(fn: Function, attr: str) -> Qualifier:
    """A function's attribute: its ARN or name (unqualified), its latest published version
    (Terraform ``qualified_arn`` / ``version``, SAM ``Fn.Version``), or SAM's ``Fn.Alias``."""
    if attr == "alias":
        name = known_str(fn.auto_publish_alias)
        if name and "${" not in name:
            return _qualifier_text(name, fn.auto_publish_alias)
        handled(fn.auto_publish_alias)  # SAM's one alias of the function, whatever its name
        return Qualifier(alias=fn.node + ".Alias", shown=f"{fn.name}.Alias")
    if "qualified" in attr or attr == "version":
        return Qualifier(version=fn.node, shown=f"{fn.name} (its latest published version)")
    return UNQUALIFIED


def qualifiers(model, value: Value, written: Value | None = None) -> list[tuple[Value, Qualifier]]:
    """(leaf, qualifier) for each branch of a value naming a function; ``written`` is a
    qualifier written apart from it (Terraform ``qualifier``, the ``:live`` a frontend read after
    a reference inside an integration URI), which wins when set."""
    found = []
    if written is not None and not written.absent:
        for leaf in written.leaves():
            if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
                found.append((leaf, ref_qualifier(model, leaf.value)))
            elif isinstance(leaf, Known) and isinstance(leaf.value, (str, int)):
                text = str(leaf.value)
                token = _TOKEN.fullmatch(text)
                token = token if token and token.group(1) in model.entities else None  # not ${stageVariables.x}
                found.append((leaf, ref_qualifier(model, ResourceRef(token.group(1), token.group(2), "")) if token
                              else _qualifier_text(text, leaf)))
            elif isinstance(leaf, Unknown):
                found.append((leaf, Qualifier(unknown=leaf)))
            elif leaf.absent:
                found.append((leaf, UNQUALIFIED))
        return found
    for leaf in value.leaves() if value is not None else ():
        if leaf.absent:
            continue
        if isinstance(leaf, Known) and isinstance(leaf.value, ResourceRef):
            found.append((leaf, ref_qualifier(model, leaf.value)))
        elif isinstance(leaf, Known) and isinstance(leaf.value, str):
            found.append((leaf, _text_qualifier(model, leaf.value, leaf)))
        elif isinstance(leaf, Unknown) and leaf.partial is not None:
            found.append((leaf, _text_qualifier(model, leaf.partial, leaf)))
        elif isinstance(leaf, Unknown):
            found.append((leaf, Qualifier(unknown=leaf)))
    return found


def written_after(text: str, end: int, source) -> Value:
    """The qualifier written right after a reference that ends at ``end`` in ``text``
    (``.../functions/${Fn.Arn}:live/invocations`` -> ``live``): Absent when there is none.  For
    frontends that take the reference out of a longer string."""
    if end >= len(text) or text[end] != ":":
        return Absent(source)
    rest = text[end + 1:]
    depth, out = 0, []
    for char in rest:
        if char == "/" and depth == 0:
            break
        depth += char == "{"
        depth -= char == "}"
        out.append(char)
    return Known("".join(out), source)
