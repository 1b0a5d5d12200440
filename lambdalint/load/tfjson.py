"""Terraform JSON configuration (``*.tf.json``) into the same blocks as ``load/hcl.py``.

The C ``json`` module parses; strings holding ``${...}``/``%{...}`` are HCL templates and go
through the same tree-sitter grammar (``hcl.parse_template``) so there is one expression
language.  Spans are found lazily along JSON paths by ``json_locate``, only for reported values.

JSON cannot tell a nested block from an attribute holding an object (Terraform asks the
provider schema); ``NESTED_BLOCKS`` lists the block names of the resource types lambdalint
models, so ``vpc_config`` evaluates exactly as it does from HCL.
"""
from __future__ import annotations

import json
import re

from ..document import Document, ParseError
from .hcl import Block, Literal, ObjectExpr, TupleExpr, parse_expression, parse_template
from .json_locate import LineIndex, json_locator, value_range
from .jsontext import loads

TOP_LEVEL = ("terraform", "resource", "data", "variable", "locals", "output", "module", "provider",
             "moved", "import", "check", "removed")
_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1,
           "terraform": 0, "locals": 0, "check": 1}

NESTED_BLOCKS = frozenset((
    # aws_lambda_function and friends
    "vpc_config", "dead_letter_config", "environment", "tracing_config", "ephemeral_storage", "image_config",
    "file_system_config", "snap_start", "logging_config", "timeouts", "routing_config", "cors",
    # event source mappings / event invoke config
    "filter_criteria", "filter", "destination_config", "on_failure", "on_success", "scaling_config",
    "self_managed_event_source", "source_access_configuration", "amazon_managed_kafka_event_source_config",
    "self_managed_kafka_event_source_config", "document_db_event_source_config", "metrics_config",
    "provisioned_poller_config",
    # IAM
    "inline_policy", "statement", "principals", "not_principals", "condition",
    # network
    "route", "ingress", "egress", "dns_options", "subnet_configuration",
    # others commonly next to functions
    "attribute", "ttl", "global_secondary_index", "local_secondary_index", "point_in_time_recovery",
    "server_side_encryption", "lambda_function", "queue", "topic", "input_transformer", "retry_policy",
    "sqs_target", "logging_configuration", "tracing_configuration", "stream_mode_details",
    "cors_configuration", "endpoint_configuration", "access_log_settings", "default_route_settings",
    "versioning", "server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default",
    "lifecycle_rule", "cors_rule", "website", "logging", "metric_query", "metric",
    "image_scanning_configuration", "encryption_configuration",
))
_META_BLOCKS = frozenset(("lifecycle", "provisioner", "connection"))
_LITERAL_ATTRS = {"variable": ("default", "type", "description"), "module": ("source", "version"),
                  "output": ("description",)}
_TEMPLATE_CHARS = re.compile(r"[$%]\{")


class _Invalid(Exception):
    def __init__(self, reason, path):
        super().__init__(reason)
        self.reason, self.path = reason, path


def load_tfjson(text: str, path: str) -> Document:
    if text.startswith("\ufeff"):
        text = text[1:]
    try:  # within the budgets: huge numbers and deep nesting are ParseErrors (load/jsontext.py)
        raw = loads(text, path)
    except json.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    doc = Document(path, "tf-json", None, text)
    doc.locate = make_locator(doc)
    if not isinstance(raw, dict):
        raise ParseError(path, f"not Terraform JSON: the top level is a {type(raw).__name__}, not an object")
    try:
        doc.data = _convert(raw)
    except _Invalid as exc:
        hit = value_range(text, exc.path)
        line, column = LineIndex(text).position(hit[0]) if hit else (1, 1)
        raise ParseError(path, exc.reason, line, column) from None
    except RecursionError:
        raise ParseError(path, "not Terraform JSON: nested too deeply") from None
    return doc


def _convert(raw: dict) -> Block:
    root = Block("", [], {}, [], ())
    for key, value in raw.items():
        if key == "//":
            continue
        if key not in TOP_LEVEL:
            raise _Invalid(f"not Terraform JSON: unexpected top-level key '{key}'", (key,))
        if key in ("moved", "import", "removed"):
            continue
        if key == "locals":
            for body, path in _bodies(value, (key,)):
                block = Block("locals", [], {}, [], path)
                for name, item in body.items():
                    if name != "//":
                        block.attrs[name] = expr(item, path + (name,))
                root.blocks.append(block)
            continue
        _labeled(root, key, value, _LABELS.get(key, 0), (key,), [])
    return root


def _bodies(value, path):
    """A block body is an object, or an array of objects (to repeat a block)."""
    if isinstance(value, dict):
        yield value, path
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise _Invalid("not Terraform JSON: a block must be an object", path + (i,))
            yield item, path + (i,)
    else:
        raise _Invalid("not Terraform JSON: a block must be an object", path)


def _labeled(parent: Block, btype, value, nlabels, path, labels):
    if nlabels == 0:
        for body, bpath in _bodies(value, path):
            parent.blocks.append(_block(btype, labels, body, bpath))
        return
    for body, bpath in _bodies(value, path):
        for label, inner in body.items():
            if label != "//":
                _labeled(parent, btype, inner, nlabels - 1, bpath + (label,), labels + [label])


def _block(btype, labels, body, path, nested=False) -> Block:
    block = Block(btype, labels, {}, [], path)
    literal = _LITERAL_ATTRS.get(btype, ()) if not nested else ()
    for key, value in body.items():
        if key == "//":
            continue
        kpath = path + (key,)
        if btype == "terraform":
            continue  # settings only; nothing to evaluate
        if key in literal:
            block.attrs[key] = _literal(value, kpath)
        elif key == "depends_on" and isinstance(value, list):
            block.attrs[key] = TupleExpr(None, [_bare(item, kpath + (i,)) for i, item in enumerate(value)])
        elif key in ("provider", "iterator") and isinstance(value, str):
            block.attrs[key] = _bare(value, kpath)
        elif key == "dynamic" and isinstance(value, dict):
            for label, spec in value.items():
                for dbody, dpath in _bodies(spec, kpath + (label,)):
                    dyn = Block("dynamic", [label], {}, [], dpath)
                    for dkey, dval in dbody.items():
                        if dkey == "content":
                            for cbody, cpath in _bodies(dval, dpath + (dkey,)):
                                dyn.blocks.append(_block("content", [], cbody, cpath, True))
                        elif dkey == "iterator" and isinstance(dval, str):
                            dyn.attrs[dkey] = _bare(dval, dpath + (dkey,))
                        elif dkey != "//":
                            dyn.attrs[dkey] = expr(dval, dpath + (dkey,))
                    block.blocks.append(dyn)
        elif (key in NESTED_BLOCKS or key in _META_BLOCKS) and _is_block_value(value):
            for bbody, bpath in _bodies(value, kpath):
                block.blocks.append(_block(key, [], bbody, bpath, True))
        else:
            block.attrs[key] = expr(value, kpath)
    return block


def _is_block_value(value) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


def _literal(value, path):
    if isinstance(value, dict):
        return ObjectExpr(None, [(Literal(None, k), _literal(v, path + (k,))) for k, v in value.items()])
    if isinstance(value, list):
        return TupleExpr(None, [_literal(v, path + (i,)) for i, v in enumerate(value)])
    return Literal(None, value)


def _bare(text, path):
    try:
        return parse_expression(text)
    except (ValueError, RecursionError):
        raise _Invalid(f"not Terraform JSON: invalid expression {text[:40]!r}", path) from None


def expr(value, path):
    """A JSON value as an expression: strings are templates, the rest literal."""
    if isinstance(value, str):
        if _TEMPLATE_CHARS.search(value) is None:
            return Literal(None, value)
        try:
            return parse_template(value)
        except (ValueError, RecursionError):
            raise _Invalid(f"invalid template {value[:40]!r}", path) from None
    if isinstance(value, dict):  # property names of an object expression are templates too
        return ObjectExpr(None, [(expr(k, path + (k,)), expr(v, path + (k,))) for k, v in value.items()])
    if isinstance(value, list):
        return TupleExpr(None, [expr(v, path + (i,)) for i, v in enumerate(value)])
    return Literal(None, value)


# ---------------------------------------------------------------------------------------------
# Spans


def make_locator(doc: Document):
    """Spans via ``json_locate`` (shared with the CloudFormation and plan loaders); a block's
    span is its first line, like an HCL block header."""
    return json_locator(doc.text, doc.path, blocks_as_first_line=True)

