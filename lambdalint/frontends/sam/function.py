"""``AWS::Serverless::Function``: its properties under SAM's spelling and ``Globals``, the alias
``AutoPublishAlias`` creates, its ``EventInvokeConfig``, its events and its generated role."""
from __future__ import annotations

from ...document import Source
from ...model import entities as m
from ...values import Absent, Known, Unknown, Value, known_str
from ..cfn_base import CfnFrontend, function_entity
from .events import event
from .globals import GLOBALS_PATH, function_globals, merge
from .refs import ref
from .role import generated_role


def function(fe: CfnFrontend, lid: str, body: dict, props: dict, path: tuple) -> list:
    globals_raw = function_globals(fe, body)
    header = fe.header(lid)
    inherited_keys = set()

    def get(key: str) -> Value:
        local = fe.r.resolve(props[key], path + (key,)) if key in props else None
        inherited = fe.r.resolve(globals_raw[key], GLOBALS_PATH + (key,)) if key in globals_raw else None
        if inherited is not None and local is None:
            inherited_keys.add(key)
        value = merge(local, inherited)
        return Absent(header) if value is None else value

    def sam_get(key: str) -> Value:
        # SAM spells a few properties differently from AWS::Lambda::Function
        if key == "Code":
            return Absent(header)
        if key == "TracingConfig":
            tracing = get("Tracing")
            return tracing if tracing.absent else Known({"Mode": tracing}, tracing.source)
        if key == "DeadLetterConfig":
            return Absent(header)
        return get(key)

    fn = function_entity(fe, lid, sam_get)
    fn.inherited = inherited_keys
    fn.image_uri = get("ImageUri")
    metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
    if fn.image_uri.absent and ("Dockerfile" in metadata or "DockerContext" in metadata):
        fn.image_uri = Unknown("ImageUri set by `sam build` from Metadata.Dockerfile", Source(fe.doc, ("Resources", lid, "Metadata")),
                               cause="not-built")
    code = get("CodeUri")
    if isinstance(code, Known) and isinstance(code.value, str) and not code.value.startswith("s3://"):
        fn.code_path = code
        fn.code_mode_added = 0o444  # SAM CLI zips a CodeUri directory with files made o+r
    dlq = get("DeadLetterQueue")
    fn.dead_letter_target = fe.sub(dlq, "TargetArn")
    fn.dead_letter_type = fe.sub(dlq, "Type")
    fn.provisioned_concurrency = fe.sub(get("ProvisionedConcurrencyConfig"), "ProvisionedConcurrentExecutions")
    fn.auto_publish_alias = get("AutoPublishAlias")
    if isinstance(fn.tracing, Known) and fn.tracing.value == "Disabled":
        fn.tracing = Absent(fn.tracing.source)
    entities: list = [fn]

    invoke = get("EventInvokeConfig")
    if not invoke.absent:
        entities.append(_invoke_config(fe, lid, fn, invoke))
    alias_name = known_str(fn.auto_publish_alias)
    if alias_name:
        entities.append(m.Alias(fe.r.node(lid + "Alias" + alias_name), f"{lid}Alias{alias_name}", "lambda:alias",
                                fn.auto_publish_alias.source, function=Known(ref(fe, lid, "name"), header),
                                qualifier=fn.auto_publish_alias, provisioned_concurrency=fn.provisioned_concurrency))
    events = fe.get(props, "Events", path, lid)
    pull_types = []
    if isinstance(events, Known) and isinstance(events.value, dict):
        for name, value in events.value.items():
            entities.extend(event(fe, lid, fn, name, value, pull_types))
    if fn.role.absent:
        role = generated_role(fe, lid, fn, props, path, pull_types, invoke)
        fn.role = Known(ref(fe, role.name, "arn"), header)
        entities.append(role)
    return entities


def _invoke_config(fe, lid, fn, invoke: Value) -> m.EventInvokeConfig:
    config = fe.sub(invoke, "DestinationConfig")

    def destination(key):
        block = fe.sub(config, key)
        if block.absent:
            return None
        return m.Destination(target=fe.sub(block, "Destination"), type=fe.sub(block, "Type"))

    return m.EventInvokeConfig(
        fe.r.node(lid) + "/EventInvokeConfig", f"{lid}EventInvokeConfig", "lambda:event-invoke-config",
        invoke.source, function=Known(ref(fe, lid, "name"), fn.source),
        qualifier=Known(known_str(fn.auto_publish_alias) or "$LATEST", invoke.source),
        max_retry_attempts=fe.sub(invoke, "MaximumRetryAttempts"),
        max_event_age=fe.sub(invoke, "MaximumEventAgeInSeconds"),
        on_success=destination("OnSuccess"), on_failure=destination("OnFailure"))


__all__ = ["function"]
