"""The resolver of one CloudFormation template: ``Ref``, parameters (with their defaults,
``--parameters`` values and what a parent stack passes), resources, conditions and the
references that name nothing (LL003).  The intrinsic functions it dispatches to are in
``cfn_intrinsics.py``.
"""
from __future__ import annotations

from ..document import Document, Source
from ..partial_strings import unknown_token
from ..values import Absent, Either, Known, ResourceRef, Unknown, Value
from .cfn_bounds import parameter_max_length
from .cfn_intrinsics import (_HANDLERS, _LIST_TYPES, PSEUDO_PARAMETERS, REF_RETURNS, _h_getatt, _h_sub, _text,
                             token_value)

_MAX_DEPTH = 200


class CfnResolver:
    """Resolves raw template values of one document into Values."""

    def __init__(self, doc: Document, parameters: dict | None = None, extra_resources: dict | None = None):
        data = doc.data if isinstance(doc.data, dict) else {}
        self.doc = doc
        self.resources = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
        self.parameters = data.get("Parameters") if isinstance(data.get("Parameters"), dict) else {}
        self.mappings = data.get("Mappings") if isinstance(data.get("Mappings"), dict) else {}
        self.conditions = data.get("Conditions") if isinstance(data.get("Conditions"), dict) else {}
        self.values = parameters or {}
        # resources SAM generates (FunctionRole, Function.Alias ...) that templates may reference
        self.extra_resources = extra_resources if extra_resources is not None else {}
        self.unresolved: list[tuple[Source, str]] = []
        self.generated_prefixes: tuple = ()  # names a transform creates start with these
        # a template read as a nested stack: each instantiation has its own nodes and names
        # (``Network/Subnet``), the parameters its parent passes (Values resolved in the
        # parent) and, for ``!GetAtt Child.Outputs.X``, the nested stacks it instantiates
        self.node_prefix = ""
        self.name_prefix = ""
        self.passed: dict[str, Value] = {}
        self.passed_by = ""  # the parent's stack resource, for reasons
        self.nested = None  # frontends.nested.Nesting
        self._nodes: dict = {}  # (node_prefix, logical ID) -> node
        self._conditions = None  # cfn_conditions.Conditions, made when first asked

    def node(self, logical_id: str) -> str:
        key = (self.node_prefix, logical_id)
        hit = self._nodes.get(key)
        if hit is None:  # one string per resource, shared by every reference to it
            hit = self._nodes[key] = f"{self.node_prefix}{self.doc.path}#{logical_id}"
        return hit

    def display(self, logical_id: str) -> str:
        """A logical ID as reports name it: ``Network/Subnet`` inside nested stack Network."""
        return self.name_prefix + logical_id

    def resource_type(self, logical_id: str) -> str | None:
        body = self.resources.get(logical_id)
        if isinstance(body, dict) and isinstance(body.get("Type"), str):
            return body["Type"]
        return self.extra_resources.get(logical_id)

    # -- entry point -------------------------------------------------------------------------
    def get(self, body: dict, key: str, path: tuple, absent_at: Source) -> Value:
        """Property ``key`` of the raw mapping ``body`` found at ``path``."""
        if not isinstance(body, dict) or key not in body:
            return Absent(absent_at)
        return self.resolve(body[key], path + (key,))

    def resolve(self, raw, path: tuple, depth: int = 0) -> Value:
        source = Source(self.doc, path)
        if depth > _MAX_DEPTH:
            return Unknown("value nested too deeply", source, cause="budget")
        if isinstance(raw, dict):
            if len(raw) == 1:
                (key, arg), = raw.items()
                handler = _HANDLERS.get(key)
                if handler is not None:
                    return handler(self, arg, path + (key,), source, depth)
            return Known({str(k): self.resolve(v, path + (k,), depth + 1) for k, v in raw.items()}, source)
        if isinstance(raw, list):
            out = []
            for index, item in enumerate(raw):
                value = self.resolve(item, path + (index,), depth + 1)
                if not value.absent:  # AWS::NoValue removes the item
                    out.append(value)
            return Known(out, source)
        return Known(raw, source)

    # -- Ref ---------------------------------------------------------------------------------
    def ref(self, name, source: Source) -> Value:
        if not isinstance(name, str):
            return Unknown(f"Ref {name!r}", source)
        if name == "AWS::NoValue":
            return Absent(source)
        if name in PSEUDO_PARAMETERS:
            return Unknown(f"!Ref {name} (pseudo parameter)", source, cause="after-apply", partial="${" + name + "}")
        if name in self.parameters:
            return self.parameter(name, source)
        rtype = self.resource_type(name)
        if rtype is not None:
            return Known(ResourceRef(self.node(name), REF_RETURNS.get(rtype, "id"), self.display(name)), source)
        if self.generated(name):
            # what Ref returns for a resource the transform generates: a name, an ID or an ARN
            return Unknown(f"!Ref {name} (generated by the transform)", source, cause="after-apply",
                           partial=unknown_token("ref:" + name))
        self.unresolved.append((source, f"Ref to '{name}', which is neither a resource nor a parameter"))
        return Unknown(f"!Ref {name} (not declared)", source, cause="undeclared")

    def parameter(self, name: str, source: Source) -> Value:
        declaration = self.parameters.get(name)
        declaration = declaration if isinstance(declaration, dict) else {}
        ptype = str(declaration.get("Type", "String"))
        if name in self.passed:
            return passed_value(self, name, ptype, self.passed[name], source)
        if name in self.values:
            raw, origin = self.values[name], "--parameters"
        elif "Default" in declaration and not ptype.startswith("AWS::SSM::"):
            raw, origin = declaration["Default"], "default"
        else:
            why = "SSM parameter" if ptype.startswith("AWS::SSM::") else "parameter without default"
            if self.passed_by and not ptype.startswith("AWS::SSM::"):
                why += f"; stack {self.passed_by} does not pass it"
            bound = None if ptype.startswith("AWS::SSM::") else parameter_max_length(declaration)
            return Unknown(f"!Ref {name} ({why})", source, cause="parameter", max_length=bound)
        value_source = source if origin == "--parameters" else Source(self.doc, ("Parameters", name, "Default"))
        if ptype.startswith("List<") or ptype == "CommaDelimitedList":
            items = raw if isinstance(raw, list) else [s.strip() for s in str(raw).split(",")] if str(raw) else []
            return Known([Known(item, value_source) for item in items], value_source)
        return Known(raw, value_source)

    def condition_names(self) -> set:
        return set(self.conditions)

    def condition(self, name) -> bool | None:
        """Condition ``name`` when the template decides it before deployment (cfn_conditions)."""
        if self._conditions is None:
            from .cfn_conditions import Conditions

            self._conditions = Conditions(self)
        return self._conditions.value(name)

    def generated(self, name: str) -> bool:
        """A name a transform creates (SAM: ``FunctionRole``, ``Api.Stage``, ``ServerlessRestApi``)."""
        return any(name.startswith(prefix) for prefix in self.generated_prefixes)

    def scan_references(self, raw, path: tuple, depth: int = 0) -> None:
        """Record every ``Ref``/``GetAtt``/``Sub`` under ``raw`` that names nothing (LL003), also
        inside values no builder resolves (other resource types, ``Outputs``, ``Conditions``,
        arguments of ``Fn::Base64`` ...)."""
        if depth > _MAX_DEPTH:
            return
        if isinstance(raw, dict):
            if len(raw) == 1:
                (key, arg), = raw.items()
                if key == "Ref":
                    self.ref(arg, Source(self.doc, path))
                    return
                if key == "Fn::GetAtt":
                    _h_getatt(self, arg, path + (key,), Source(self.doc, path), depth)
                    return
                if key == "Fn::Sub":
                    _h_sub(self, arg, path + (key,), Source(self.doc, path), depth)
                    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
                        self.scan_references(arg[1], path + (key, 1), depth + 1)
                    return
            for k, v in raw.items():
                if isinstance(v, (dict, list)):  # scalars hold no reference
                    self.scan_references(v, path + (k,), depth + 1)
        elif isinstance(raw, list):
            for index, item in enumerate(raw):
                if isinstance(item, (dict, list)):
                    self.scan_references(item, path + (index,), depth + 1)


def passed_value(r, name: str, ptype: str, value: Value, source: Source) -> Value:
    """The value the parent stack passes for parameter ``name`` of resolver ``r``'s template,
    located where the child uses it (findings point into the child).  A reference keeps its
    identity: the child's subnet is the parent's subnet, with its route table."""
    if isinstance(value, Unknown):
        if value.reason.endswith("(pseudo parameter)"):  # stays a placeholder in !Sub
            return value.moved(source)
        return value.moved(source, f"!Ref {name} <- stack {r.passed_by} passes {value.reason}")
    if isinstance(value, Either):
        return Either(value.condition, tuple(passed_value(r, name, ptype, o, source) for o in value.options), source)
    if not isinstance(value, Known):
        return value
    if ptype.startswith(_LIST_TYPES):
        if isinstance(value.value, list):
            return Known([_moved(item, source) for item in value.value], source)
        text = _text(value)
        if text is not None:  # a comma-delimited string: references come back from their tokens
            return Known([token_value(piece.strip(), source) for piece in text.split(",")] if text else [], source)
    return Known(value.value, source)


def _moved(value: Value, source: Source) -> Value:
    if isinstance(value, Known):
        return Known(value.value, source)
    if isinstance(value, Unknown):
        return value.moved(source)
    return value
