"""Terraform plan JSON -> :class:`TfResource` list, the same output as the HCL evaluator.

Three parts of a plan are combined:

* ``planned_values``: every resource instance (root and child modules, ``count``/``for_each``
  instances) with the values Terraform knows at plan time.  Values known only after apply are
  *omitted* there, and ``resource_changes[].change.after_unknown`` says which ones they are.
* ``resource_changes``: ``after_unknown`` (-> ``Unknown("known after apply")``) and
  ``after_sensitive`` (a sensitive value left out of the plan -> ``Unknown("sensitive")``).
* ``configuration``: the expressions' ``references`` (``plan_links.py``).  Ids of resources
  created by the same plan are unknown, so the graph edges (function -> role, subnet -> route
  table) come from there.

Known limits (values stay ``Unknown``): an unknown map whose entries reference resources
(``environment.variables``), string interpolation around a reference (``"${aws_s3_bucket.b.arn}/*"``
is indistinguishable from the bare reference in the plan, so a scalar with exactly one resource
reference becomes that reference), ``dynamic`` blocks, data sources read at plan time (they live
in ``prior_state``, not ``planned_values``), and unknown ``jsonencode(...)`` policies.
"""
from __future__ import annotations

import json
from typing import Any

from ...document import ParseError, Document, Source
from ...values import Known, Unknown, Value
from .plan_links import _INDEX, _POLICY_ATTRS, AFTER_APPLY, ConfigurationLinks, _dict, _list, index_suffix
from .resources import TfResource, node_id

SENSITIVE = "sensitive"
_SCALARS = frozenset({str, int, float, bool})


class _PlanReader(ConfigurationLinks):
    def __init__(self, doc: Document):
        self.doc = doc
        data = _dict(doc.data)
        self.changes = {c.get("address"): _dict(c.get("change")) for c in _list(data.get("resource_changes"))
                        if isinstance(c, dict) and isinstance(c.get("address"), str)}
        # Static module path ("", "module.a.", "module.a.module.b.") -> module configuration.
        self.config_modules: dict[str, dict] = {}
        self.config_resources: dict[tuple[str, str], dict] = {}  # (static path, address) -> config
        self._walk_config(_dict(_dict(data.get("configuration")).get("root_module")), "")
        self.resources: list[TfResource] = []
        self.by_address: dict[str, TfResource] = {}
        # Resource address without instance key -> {instance key: instance address}.
        self.instances: dict[str, dict[Any, str]] = {}
        # Module instance addresses ("module.q[0]") by their address without instance key.
        self.module_instances: dict[str, list[str]] = {}

    # -- configuration ------------------------------------------------------------------------

    def _walk_config(self, module: dict, prefix: str) -> None:
        self.config_modules[prefix] = module
        for resource in _list(module.get("resources")):
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                self.config_resources[(prefix, resource["address"])] = resource
        for name, call in _dict(module.get("module_calls")).items():
            self._walk_config(_dict(_dict(call).get("module")), f"{prefix}module.{name}.")

    # -- planned values -----------------------------------------------------------------------

    def run(self) -> list[TfResource]:
        planned = _dict(self.doc.data).get("planned_values")
        self._walk_planned(_dict(_dict(planned).get("root_module")), ("planned_values", "root_module"), "")
        for resource in self.resources:
            self._link(resource)
        return self.resources

    def _walk_planned(self, module: dict, path: tuple, prefix: str) -> None:
        for j, raw in enumerate(_list(module.get("resources"))):
            if isinstance(raw, dict) and raw.get("type") and raw.get("name"):
                self._add(raw, path + ("resources", j), prefix)
        for i, child in enumerate(_list(module.get("child_modules"))):
            address = _dict(child).get("address")
            if isinstance(address, str):
                self.module_instances.setdefault(_INDEX.sub("", address), []).append(address)
                self._walk_planned(child, path + ("child_modules", i), address + ".")

    def _malformed(self, path: tuple, what: str) -> ParseError:
        """Terraform never writes this: the plan is LL001 at the offending value."""
        span = self.doc.locate(path) if self.doc.locate else None
        return ParseError(self.doc.path, f"not a valid Terraform plan: {what}", span.line if span else 1,
                          span.column if span else 1)

    def _add(self, raw: dict, path: tuple, prefix: str) -> None:
        for key in ("type", "name", "mode", "address"):
            if key in raw and not isinstance(raw[key], str) and not (key in ("mode", "address") and raw[key] is None):
                raise self._malformed(path + (key,), f"a resource {key} that is not a string")
        index = raw.get("index")
        if index is not None and (not isinstance(index, (int, str)) or isinstance(index, bool)):
            raise self._malformed(path + ("index",), "a resource index that is not a number or a string")
        mode = raw.get("mode") or "managed"
        base = f"{prefix}{'data.' if mode == 'data' else ''}{raw['type']}.{raw['name']}"
        address = raw.get("address") or base + index_suffix(index)
        change = self.changes.get(address, {})
        sensitive = raw.get("sensitive_values", change.get("after_sensitive"))
        source = Source(self.doc, path)
        values = self._convert(_dict(raw.get("values")), change.get("after_unknown"), sensitive,
                               path + ("values",))
        values = _dict(values.value) if isinstance(values, Known) else {}
        resource = TfResource(
            address=address, type=raw["type"], mode=mode, node=node_id(self.doc.path, address),
            values=values, source=source, doc=self.doc, count_index=index,
            extra={"module": prefix[:-1], "base": base, "actions": change.get("actions"),
                   # shapes of unknown values ([] list, {} map), used to type references
                   "shape": sensitive if isinstance(sensitive, dict) else None},
        )
        self.resources.append(resource)
        self.by_address[address] = resource
        self.instances.setdefault(base, {})[index] = address

    def _convert(self, raw: Any, unknown: Any, sensitive: Any, path: tuple) -> Value | None:
        """Plan JSON -> Value tree; ``unknown``/``sensitive`` are the matching subtrees of
        after_unknown and sensitive_values.  None means "not set" (JSON null)."""
        if unknown is True:
            return Unknown(AFTER_APPLY, Source(self.doc, path), cause="after-apply")
        if raw is None and _has_true(unknown):  # a block left out because parts are unknown
            raw = {} if isinstance(unknown, dict) else []
        if isinstance(raw, dict):
            unknown = _dict(unknown)
            sensitive = _dict(sensitive)
            out: dict[str, Value] = {}
            for key, item in raw.items():
                # fast path for plain leaves, most of a plan
                if item.__class__ in _SCALARS and key not in unknown and key not in _POLICY_ATTRS:
                    out[key] = Known(item, Source(self.doc, path + (key,)))
                    continue
                value = self._convert(item, unknown.get(key), sensitive.get(key), path + (key,))
                if value is not None:
                    out[key] = _parse_policy(value) if key in _POLICY_ATTRS else value
            # Unknown values are left out of planned_values; sensitive ones may be too.
            for key, mark in unknown.items():
                if key not in raw:
                    value = self._convert(None, mark, sensitive.get(key), path + (key,))
                    if value is not None:
                        out[key] = value
            for key, mark in sensitive.items():
                if mark is True and key not in out and key not in raw:
                    out[key] = Unknown(SENSITIVE, Source(self.doc, path + (key,)))
            return Known(out, Source(self.doc, path))
        if isinstance(raw, list):
            unknown = unknown if isinstance(unknown, list) else []
            sensitive = sensitive if isinstance(sensitive, list) else []
            out_list = []
            for i in range(max(len(raw), len(unknown))):
                item = raw[i] if i < len(raw) else None
                value = self._convert(item, unknown[i] if i < len(unknown) else None,
                                      sensitive[i] if i < len(sensitive) else None, path + (i,))
                out_list.append(value if value is not None else Known(None, Source(self.doc, path + (i,))))
            return Known(out_list, Source(self.doc, path))
        if raw is None:
            return Unknown(SENSITIVE, Source(self.doc, path)) if sensitive is True else None
        return Known(raw, Source(self.doc, path))


def _has_true(mark: Any) -> bool:
    if mark is True:
        return True
    if isinstance(mark, dict):
        return any(_has_true(v) for v in mark.values())
    if isinstance(mark, list):
        return any(_has_true(v) for v in mark)
    return False


def _parse_policy(value: Value) -> Value:
    """A policy as a JSON string (jsonencode or heredoc) -> Value tree, every leaf pointing at
    the string.  Anything else (unknown, not JSON) is returned unchanged."""
    if not isinstance(value, Known) or not isinstance(value.value, str) or \
            not value.value.lstrip().startswith("{"):
        return value
    try:
        parsed = json.loads(value.value)
    except ValueError:
        return value

    def wrap(raw: Any) -> Value:
        if isinstance(raw, dict):
            return Known({k: wrap(v) for k, v in raw.items()}, value.source)
        if isinstance(raw, list):
            return Known([wrap(v) for v in raw], value.source)
        return Known(raw, value.source)

    return wrap(parsed)


def read_plan(doc: Document) -> list[TfResource]:
    """All resource instances of the plan, with values and reference edges."""
    return _PlanReader(doc).run()
