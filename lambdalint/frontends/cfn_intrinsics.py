"""CloudFormation intrinsic functions, resolved as far as the template itself decides them.

``Ref`` to a resource or a parameter with a default (or a ``--parameters`` value), ``GetAtt``,
``Sub``/``Join`` of known parts, ``Select``/``Split``/``FindInMap`` over known values and ``If``
(both branches, as :class:`Either`, or the branch a condition decided from literals selects)
resolve; anything else (``ImportValue``, ``GetAZs``, SSM
parameter types, parameters without default) becomes :class:`Unknown` with a reason written the
way the user wrote it.  Pseudo parameters and references embedded in longer strings stay as
``${...}`` placeholders, so ``arn:${AWS::Partition}:sqs:...`` still tells a rule the service.
"""
from __future__ import annotations

import re

from ..document import Document, Source
from ..partial_strings import has_unknown_part, unknown_token
from ..values import Absent, Either, Known, ResourceRef, Unknown, Value, cause_of
from .cfn_bounds import parameter_max_length, part_bounds

PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}

# What ``Ref`` returns, per resource type (the default is an id).  Only the ones that change a
# rule's answer matter: ``!Ref Queue`` is a URL, ``!Ref Topic`` is an ARN.
REF_RETURNS = {
    "AWS::SQS::Queue": "url",
    "AWS::SNS::Topic": "arn",
    "AWS::Lambda::Function": "name",
    "AWS::Serverless::Function": "name",
    "AWS::IAM::Role": "name",
    "AWS::IAM::ManagedPolicy": "arn",
    "AWS::DynamoDB::Table": "name",
    "AWS::Serverless::SimpleTable": "name",
    "AWS::S3::Bucket": "name",
    "AWS::Kinesis::Stream": "name",
    "AWS::Events::EventBus": "name",
    "AWS::Logs::LogGroup": "name",
    "AWS::StepFunctions::StateMachine": "arn",
    "AWS::Serverless::StateMachine": "arn",
    "AWS::Lambda::Alias": "arn",
    "AWS::Lambda::Version": "arn",
    "AWS::Lambda::LayerVersion": "arn",
    "AWS::Serverless::LayerVersion": "arn",
    "AWS::SecretsManager::Secret": "arn",
}

STACK_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")
_LIST_TYPES = ("List<", "CommaDelimitedList")  # parameter types whose value is a list
_WHOLE_TOKEN = re.compile(r"\$\{([^}]*#[^}]*)\.([A-Za-z0-9_]+)\}")

GETATT_ALIASES = {"Arn": "arn", "QueueUrl": "url", "QueueName": "name", "TopicName": "name", "TopicArn": "arn"}

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
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


def token_value(text: str, source: Source) -> Known:
    """A piece of a split string: a whole reference placeholder (``${<node>.arn}``, what a
    reference becomes inside ``!Join``) is that reference again, anything else the text."""
    match = _WHOLE_TOKEN.fullmatch(text)
    if match:
        node = match.group(1)
        return Known(ResourceRef(node, match.group(2), node.rsplit("#", 1)[-1]), source)
    return Known(text, source)


def _h_ref(r: CfnResolver, arg, path, source, depth):
    return r.ref(arg, source)


def _h_getatt(r: CfnResolver, arg, path, source, depth):
    if isinstance(arg, str) and "." in arg:
        logical_id, attr = arg.split(".", 1)
    elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        logical_id, attr = arg
        if not isinstance(attr, str):
            return Unknown(f"!GetAtt {logical_id} with a computed attribute", source, cause="unsupported")
    else:
        return Unknown("malformed Fn::GetAtt", source)
    if r.resource_type(logical_id) is None and r.generated(logical_id):
        return Unknown(f"!GetAtt {logical_id}.{attr} (generated by the transform)", source, cause="after-apply")
    if r.resource_type(logical_id) is None:
        r.unresolved.append((source, f"GetAtt of '{logical_id}', which is not a resource"))
        return Unknown(f"!GetAtt {logical_id}.{attr} (not declared)", source, cause="undeclared")
    if attr.startswith("Outputs.") and r.resource_type(logical_id) in STACK_TYPES:
        if r.nested is None:
            return Unknown(f"!GetAtt {logical_id}.{attr} (output of a nested stack)", source, cause="module")
        return r.nested.output(logical_id, attr[len("Outputs."):], source)
    return Known(ResourceRef(r.node(logical_id), GETATT_ALIASES.get(attr, attr.lower()), r.display(logical_id)), source)


def _text(value: Value) -> str | None:
    """A resolved value as text for Sub/Join; references and pseudo parameters as tokens."""
    if isinstance(value, Known):
        raw = value.value
        if isinstance(raw, ResourceRef):
            return raw.token()
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if isinstance(raw, (str, int, float)):
            return str(raw)
        return None
    if isinstance(value, Unknown) and value.partial is not None and not has_unknown_part(value.partial):
        return value.partial  # a pseudo parameter: a placeholder of its own kind
    return None


def _part(value: Value, label: str) -> str | None:
    """A part of a Sub/Join as text: known text, placeholders, or (for a part known only at deploy
    time) its text known in part or a ``${?label}`` placeholder; None for a part that is no text."""
    text = _text(value)
    if text is not None:
        return text
    if isinstance(value, Unknown):
        return value.partial if value.partial is not None else unknown_token(label)
    return None


def _h_sub(r: CfnResolver, arg, path, source, depth):
    if isinstance(arg, str):
        template, variables, tpath = arg, {}, path
    elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
        template, variables, tpath = arg[0], arg[1], path + (0,)
    else:
        return Unknown("malformed Fn::Sub", source)
    pieces, last, whole_ref, blocked, bounds = [], 0, None, None, ()
    for match in _SUB_VARIABLE.finditer(template):
        pieces.append(template[last:match.start()])
        last = match.end()
        name = match.group(1).strip()
        if name.startswith("!"):
            pieces.append("${" + name[1:] + "}")
            continue
        if name in variables:
            value = r.resolve(variables[name], path + (1, name), depth + 1)
        elif "." in name and name.split(".", 1)[0] not in r.parameters:
            value = _h_getatt(r, name, path, Source(r.doc, tpath), depth)
        else:
            value = r.ref(name, Source(r.doc, tpath))
        if match.group(0) == template:
            whole_ref = value
        text = _part(value, name)
        if text is None:
            return Unknown(f"!Sub {template!r}", source)
        if blocked is None and _text(value) is None:
            blocked = value  # the first part known only at deploy time
        bounds += part_bounds(value, text)
        pieces.append(text)
    pieces.append(template[last:])
    if whole_ref is not None and isinstance(whole_ref, Known):
        return Known(whole_ref.value, source)
    if blocked is not None:  # the literal text stays, with placeholders for what is not known
        if whole_ref is blocked:
            return blocked.moved(source, f"!Sub {template!r}: {blocked.reason}")
        return Unknown(f"!Sub {template!r}: {blocked.reason}", source, blocked.import_name, blocked.cause,
                       partial="".join(pieces), bounds=bounds)
    return Known("".join(pieces), source)


def _h_join(r: CfnResolver, arg, path, source, depth):
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
        return Unknown("malformed Fn::Join", source)
    parts = r.resolve(arg[1], path + (1,), depth + 1)
    if not isinstance(parts, Known) or not isinstance(parts.value, list):
        return Unknown(f"!Join over {getattr(parts, 'reason', 'a computed list')}", source,
                       cause=getattr(parts, "cause", "other"))
    texts, blocked, bounds = [], None, ()
    for part in parts.value:
        text = _part(part, getattr(part, "reason", "?")[:60])
        if text is None:
            return Unknown(f"!Join: {getattr(part, 'reason', 'computed part')}", source,
                           cause=getattr(part, "cause", "other"))
        if blocked is None and _text(part) is None:
            blocked = part
        bounds += part_bounds(part, text)
        texts.append(text)
    if len(parts.value) == 1 and isinstance(parts.value[0].value if isinstance(parts.value[0], Known) else None, ResourceRef):
        return Known(parts.value[0].value, source)
    if blocked is not None:  # the literal text stays, with placeholders for what is not known
        return Unknown(f"!Join: {blocked.reason}", source, blocked.import_name, blocked.cause,
                       partial=arg[0].join(texts), bounds=bounds)
    return Known(arg[0].join(texts), source)


def _h_if(r: CfnResolver, arg, path, source, depth):
    if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
        return Unknown("malformed Fn::If", source)
    decided = r.condition(arg[0])
    if decided is not None:  # fixed before deployment: only that branch is ever used
        branch = 1 if decided else 2
        return r.resolve(arg[branch], path + (branch,), depth + 1)
    return Either(arg[0], (r.resolve(arg[1], path + (1,), depth + 1), r.resolve(arg[2], path + (2,), depth + 1)), source)


def _h_select(r: CfnResolver, arg, path, source, depth):
    if not (isinstance(arg, list) and len(arg) == 2):
        return Unknown("malformed Fn::Select", source)
    index = r.resolve(arg[0], path + (0,), depth + 1)
    raw = index.value if isinstance(index, Known) else None
    if isinstance(raw, float) and not raw.is_integer():  # 1.5, inf, nan: no item has that index
        return Unknown(f"!Select index {raw!r} is not a whole number", source)
    try:
        position = int(raw) if raw is not None and not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        position = None
    if isinstance(arg[1], dict) and set(arg[1]) == {"Fn::GetAZs"} and position is not None:
        # !Select [N, !GetAZs ""]: the AZ is unknown, but different N are different AZs
        return Known("${AZ" + str(position) + "}", source)
    items = r.resolve(arg[1], path + (1,), depth + 1)
    if position is None or not isinstance(items, Known) or not isinstance(items.value, list):
        return Unknown("!Select over a value known only at deploy time", source,
                       cause=cause_of(index) or cause_of(items) or "other")
    if 0 <= position < len(items.value):
        return items.value[position]
    return Unknown(f"!Select index {position} out of range", source)


def _h_split(r: CfnResolver, arg, path, source, depth):
    if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
        return Unknown("malformed Fn::Split", source)
    if not arg[0]:  # CloudFormation rejects an empty delimiter
        return Unknown("Fn::Split with an empty delimiter", source)
    whole = r.resolve(arg[1], path + (1,), depth + 1)
    text = _text(whole)
    if text is None:
        return Unknown("!Split of a value known only at deploy time", source, cause=cause_of(whole) or "other")
    return Known([token_value(piece, source) for piece in text.split(arg[0])], source)


def _h_findinmap(r: CfnResolver, arg, path, source, depth):
    if not (isinstance(arg, list) and len(arg) >= 3):
        return Unknown("malformed Fn::FindInMap", source)
    resolved = [r.resolve(a, path + (i,), depth + 1) for i, a in enumerate(arg[:3])]
    keys = [_text(value) for value in resolved]
    if any(k is None or "${" in k for k in keys):
        causes = [cause_of(value) for value in resolved if cause_of(value)]
        return Unknown("!FindInMap with keys known only at deploy time", source,
                       cause=causes[0] if causes else "after-apply")
    try:
        raw = r.mappings[keys[0]][keys[1]][keys[2]]
    except (KeyError, TypeError):
        return Unknown(f"!FindInMap {keys} not found", source)
    return r.resolve(raw, ("Mappings", keys[0], keys[1], keys[2]), depth + 1)


def _h_import(r: CfnResolver, arg, path, source, depth):
    resolved = r.resolve(arg, path, depth + 1)
    name = _text(resolved)
    if name is None:
        return Unknown("!ImportValue of a computed name", source, cause=cause_of(resolved) or "import")
    IMPORTS[0] += 1
    return Unknown(f"!ImportValue {name}", source, import_name=name, cause="import")


IMPORTS = [0]  # named imports resolved so far (the streamed runner checks its text scan with it)


def _h_unknown(name):
    cause = "after-apply" if name == "Fn::GetAZs" else "unsupported"

    def handler(r, arg, path, source, depth):
        return Unknown(f"{name} (known only at deploy time)", source, cause=cause)
    return handler


_HANDLERS = {
    "Ref": _h_ref,
    "Fn::GetAtt": _h_getatt,
    "Fn::Sub": _h_sub,
    "Fn::Join": _h_join,
    "Fn::If": _h_if,
    "Fn::Select": _h_select,
    "Fn::Split": _h_split,
    "Fn::FindInMap": _h_findinmap,
    "Fn::ImportValue": _h_import,
}
for _name in ("Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Fn::Transform", "Fn::Length", "Fn::ToJsonString",
              "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition", "Fn::GetParam",
              # rule functions (a template's Rules section; deploy-time values wherever they are)
              "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf",
              "Fn::ValueOfAll"):
    _HANDLERS[_name] = _h_unknown(_name)
