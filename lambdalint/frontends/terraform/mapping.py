"""Terraform resources (from HCL, ``.tf.json`` or a plan) onto the normalized model.

The only place that knows Terraform resource types and attribute names.  Terraform's own
defaults live here too: ``timeout`` 3, ``memory_size`` 128, ``reserved_concurrent_executions``
-1 (unreserved, so Absent), ``visibility_timeout_seconds`` 30, ``package_type`` Zip.  Empty
strings and empty lists, which plans use for unset attributes, count as absent.
"""
from __future__ import annotations

import re

from ...model import entities as m
from ...values import Absent, Known, ResourceRef, Unknown, Value, known_int, known_str, ref_of
from ...model.principals import esm_kind
from .mapping_iam import _POLICY_DOCUMENTS, IAM_BUILDERS, data_policy
from . import apigateway
from .mapping_triggers import TRIGGER_BUILDERS
from .resources import TfResource
from .tfmap import _Attrs, _dynamic, _entity, _kind, _unconfigured

def _written_empty(block: Value, name: str, value: Value) -> Value:
    """``name = []`` in ``block`` (null in a plan) as ``Known([])`` at that line; else ``value``."""
    raw = block.value.get(name) if value.absent and isinstance(block, Known) and isinstance(block.value, dict) else None
    if isinstance(raw, Known) and raw.value in (None, []) and raw.source is not None:
        return Known([], raw.source)
    return value


def _function(r: TfResource, a: _Attrs):
    vpc = a.block("vpc_config")
    subnets, groups = a.sub(vpc, "subnet_ids"), a.sub(vpc, "security_group_ids")
    if subnets.absent and groups.absent:
        vpc = Absent(a.header)  # Terraform: empty subnet and security group lists = no VPC
    else:  # one list given, the other written empty (a plan shows null): keep it, findings point at it
        subnets, groups = _written_empty(vpc, "subnet_ids", subnets), _written_empty(vpc, "security_group_ids", groups)
    reserved = a("reserved_concurrent_executions")
    if known_int(reserved) == -1:
        reserved = Absent(reserved.source)  # -1 means unreserved in Terraform
    code = a("filename")
    log_group = a.sub(a.block("logging_config"), "log_group")
    if isinstance(log_group, Unknown) and _unconfigured(r, "logging_config", "log_group") and not _dynamic(a, "logging_config"):
        log_group = Absent(a.header)  # plan: the provider computes /aws/lambda/<function_name>
    storage = a.sub(a.block("ephemeral_storage"), "size")
    if isinstance(storage, Unknown) and _unconfigured(r, "ephemeral_storage", "size") and not _dynamic(a, "ephemeral_storage"):
        storage = Absent(a.header)  # plan: not configured, the provider computes AWS's default 512 MB
    tracing = a.sub(a.block("tracing_config"), "mode")
    if isinstance(tracing, Unknown) and _unconfigured(r, "tracing_config") and not _dynamic(a, "tracing_config"):
        tracing = Absent(a.header)  # plan: not configured, the provider computes AWS's default PassThrough
    return [_entity(
        m.Function, r, function_name=a("function_name"), runtime=a("runtime"), handler=a("handler"),
        package_type=a("package_type", "Zip"), image_uri=a("image_uri"), code_path=code,
        timeout=a("timeout", 3), memory=a("memory_size", 128),
        ephemeral_storage=storage,
        environment=a.sub(a.block("environment"), "variables"), layers=a("layers"), role=a("role"),
        vpc_config=vpc, subnets=subnets, security_groups=groups,
        dead_letter_target=a.sub(a.block("dead_letter_config"), "target_arn"),
        tracing=tracing, reserved_concurrency=reserved,
        capacity_provider=a.block("capacity_provider_config"),
        log_group=log_group)]


_ZONE_LIST = re.compile(r"(?:^|\.)data\.aws_availability_zones\.[^.]+$")
_ZONE_ITEM = re.compile(r"(names|zone_ids)\.(\d+)")


def _zone(value: Value) -> Value:
    """``data.aws_availability_zones.x.names[1]`` (known only at plan/apply time) as the placeholder
    ``${data.aws_availability_zones.x.names[1]}``: equal indexes are the same zone, different
    indexes different zones (as ``!Select [1, !GetAZs ""]`` is ``${AZ1}`` for CloudFormation)."""
    ref = value.value if isinstance(value, Known) else None
    if isinstance(ref, ResourceRef) and _ZONE_LIST.search(ref.name):
        item = _ZONE_ITEM.fullmatch(ref.attr)
        if item:
            return Known(f"${{{ref.name}.{item.group(1)}[{item.group(2)}]}}", value.source)
    return value


def _subnet(r, a):
    return [_entity(m.Subnet, r, "ec2:subnet", vpc=a("vpc_id"), availability_zone=_zone(a("availability_zone")))]


ROUTE_TARGETS = ("transit_gateway_id", "vpc_peering_connection_id", "vpc_endpoint_id", "network_interface_id",
                 "carrier_gateway_id", "local_gateway_id", "core_network_arn", "egress_only_gateway_id")


def _route_fields(get) -> dict:
    other = Absent()
    for name in ROUTE_TARGETS:
        value = get(name)
        if not value.absent:
            other = value
    return dict(gateway=get("gateway_id"), nat_gateway=get("nat_gateway_id"), instance=get("instance_id"),
                other_target=other)


def _route_table(r, a, main_for=None):
    table = _entity(m.RouteTable, r, "ec2:route-table", vpc=a("vpc_id"))
    if main_for is not None:
        table.main_for_vpc = main_for
    found = [table]
    for index, block in enumerate(a.blocks("route")):
        get = lambda name, block=block: a.sub(block, name)  # noqa: E731
        found.append(m.Route(f"{r.node}/route[{index}]", f"{r.address}.route[{index}]", "ec2:route",
                             block.source or r.source, native_type="route", route_table=Known(ResourceRef(r.node, "id", r.address), r.source),
                             destination=get("cidr_block"), destination_ipv6=get("ipv6_cidr_block"), **_route_fields(get)))
    return found


def _default_route_table(r, a):
    table_id = a("default_route_table_id")
    vpc = table_id
    if isinstance(table_id, Known) and isinstance(table_id.value, ResourceRef):
        # aws_vpc.x.default_route_table_id: the main table of that VPC
        vpc = Known(ResourceRef(table_id.value.node, "id", table_id.value.name), table_id.source)
    return _route_table(r, a, main_for=vpc)


def _route(r, a):
    return [_entity(m.Route, r, "ec2:route", route_table=a("route_table_id"), destination=a("destination_cidr_block"),
                    destination_ipv6=a("destination_ipv6_cidr_block"), **_route_fields(a))]


def _association(r, a):
    return [_entity(m.RouteTableAssociation, r, "ec2:route-table-association", subnet=a("subnet_id"),
                    route_table=a("route_table_id"))]


def _nat(r, a):
    return [_entity(m.NatGateway, r, "ec2:nat-gateway", subnet=a("subnet_id"), connectivity=a("connectivity_type", "public"))]


def _vpc(r, a):
    return [_entity(m.Vpc, r, "ec2:vpc", tenancy=a("instance_tenancy"))]


def _endpoint(r, a):
    def get(name, default=None):
        value = a(name, default)
        if isinstance(value, Unknown) and _unconfigured(r, name):
            # plan: Optional+Computed and not configured; the provider creates the endpoint with
            # private DNS off and no route tables/subnets (separate association resources add them)
            return Known(default, a.header) if default is not None else Absent(a.header)
        return value
    return [_entity(m.VpcEndpoint, r, "ec2:vpc-endpoint", vpc=a("vpc_id"), service_name=a("service_name"),
                    endpoint_type=a("vpc_endpoint_type", "Gateway"), route_tables=get("route_table_ids"),
                    subnets=get("subnet_ids"), private_dns=get("private_dns_enabled", False))]


def _queue(r, a):
    return [_entity(m.Queue, r, "sqs:queue", queue_name=a("name"), fifo=a("fifo_queue", False),
                    visibility_timeout=a("visibility_timeout_seconds", 30), redrive_policy=a("redrive_policy"))]


def _topic(r, a):
    return [_entity(m.Topic, r, "sns:topic", topic_name=a("name"), fifo=a("fifo_topic", False))]


def _esm(r, a, model_kinds):
    source = a("event_source_arn")
    kind = lambda leaf: model_kinds.get(ref.node) if (ref := ref_of(leaf)) else None  # noqa: E731
    on_failure = a.sub(a.sub(a.block("destination_config"), "on_failure"), "destination_arn")
    return [_entity(m.EventSourceMapping, r, "lambda:event-source-mapping", function=a("function_name"),
                    event_source=source, source_kind=esm_kind(source, kind), batch_size=a("batch_size"),
                    batching_window=a("maximum_batching_window_in_seconds"),
                    starting_position=a("starting_position"), on_failure=on_failure)]


def _destination(a, config, key):
    target = a.sub(a.sub(config, key), "destination")
    return None if target.absent else m.Destination(target=target)


def _invoke_config(r, a):
    config = a.block("destination_config")
    return [_entity(m.EventInvokeConfig, r, "lambda:event-invoke-config", function=a("function_name"),
                    qualifier=a("qualifier"), max_retry_attempts=a("maximum_retry_attempts"),
                    max_event_age=a("maximum_event_age_in_seconds"), on_success=_destination(a, config, "on_success"),
                    on_failure=_destination(a, config, "on_failure"))]


def _alias(r, a):
    return [_entity(m.Alias, r, "lambda:alias", function=a("function_name"), qualifier=a("name"),
                    version=a("function_version"))]


def _provisioned(r, a):
    qualifier = a("qualifier")  # an alias name or a version number (aws_lambda_function.x.version)
    is_version = (known_str(qualifier) or "").isdigit() or (
        isinstance(qualifier, Known) and isinstance(qualifier.value, ResourceRef) and qualifier.value.attr == "version")
    return [_entity(m.Alias, r, "lambda:provisioned-concurrency-config", function=a("function_name"),
                    qualifier=qualifier, provisioned_concurrency=a("provisioned_concurrent_executions"),
                    is_version=is_version)]


def _log_group(r, a):
    retention = a("retention_in_days")
    if known_int(retention) == 0:
        retention = Absent(retention.source)  # 0 (the default, shown by plans) means never expire
    return [_entity(m.LogGroup, r, "logs:log-group", log_group_name=a("name"), retention=retention)]


def _alarm(r, a):
    return [_entity(m.Alarm, r, "cloudwatch:alarm", namespace=a("namespace"), metric=a("metric_name"),
                    dimensions=a("dimensions"))]


BUILDERS = {
    "aws_lambda_function": _function,
    "aws_subnet": _subnet,
    "aws_route_table": _route_table,
    "aws_default_route_table": _default_route_table,
    "aws_route": _route,
    "aws_route_table_association": _association,
    "aws_nat_gateway": _nat,
    "aws_internet_gateway": lambda r, a: [_entity(m.InternetGateway, r, "ec2:internet-gateway")],
    "aws_instance": lambda r, a: [_entity(m.Instance, r, "ec2:instance", subnet=a("subnet_id"))],
    "aws_vpc": _vpc,
    "aws_vpc_endpoint": _endpoint,
    "aws_sqs_queue": _queue,
    "aws_sns_topic": _topic,
    # only ever referenced; the name is what an IAM resource pattern may spell out
    "aws_dynamodb_table": lambda r, a: [_entity(m.Resource, r, physical_name=a("name"))],
    "aws_kinesis_stream": lambda r, a: [_entity(m.Resource, r, physical_name=a("name"))],
    "aws_lambda_function_event_invoke_config": _invoke_config,
    "aws_lambda_alias": _alias,
    "aws_lambda_provisioned_concurrency_config": _provisioned,
    "aws_cloudwatch_log_group": _log_group,
    "aws_cloudwatch_metric_alarm": _alarm,
    **IAM_BUILDERS,
    **TRIGGER_BUILDERS,
}


def add_resources(resources: list[TfResource], model) -> None:
    """Map evaluated Terraform resources onto model entities, then apply cross-resource facts
    (main route table associations, endpoint-route-table associations, archive_file sources)."""
    kinds = {r.node: _kind(r.type) for r in resources}
    by_node = {r.node: r for r in resources}
    _POLICY_DOCUMENTS.clear()
    _POLICY_DOCUMENTS.update((r.node, r) for r in resources if r.type == "aws_iam_policy_document")
    deferred = []
    for r in resources:
        a = _Attrs(r)
        if r.mode == "data":
            for entity in data_policy(r, a) if r.type == "aws_iam_policy" else [_entity(m.Resource, r, "data:" + r.type)]:
                model.add(entity)
            continue
        if r.type == "aws_lambda_event_source_mapping":
            entities = _esm(r, a, kinds)
        elif r.type in ("aws_main_route_table_association", "aws_vpc_endpoint_route_table_association",
                        "aws_vpc_endpoint_private_dns"):
            deferred.append((r, a))
            entities = [_entity(m.Resource, r)]
        else:
            builder = BUILDERS.get(r.type)
            entities = builder(r, a) if builder else [_entity(m.Resource, r)]
        for entity in entities:
            if r.count_index is not None and entity.condition is None and r.extra.get("count_unknown"):
                entity.condition = "count"
            model.add(entity)
    for r, a in deferred:
        table = model.entity(a("route_table_id"))
        if r.type == "aws_main_route_table_association" and isinstance(table, m.RouteTable):
            table.main_for_vpc = a("vpc_id")
        endpoint = model.entity(a("vpc_endpoint_id"))
        if r.type == "aws_vpc_endpoint_private_dns" and isinstance(endpoint, m.VpcEndpoint):
            endpoint.private_dns = a("private_dns_enabled")  # turns private DNS on/off after creation
        if r.type == "aws_vpc_endpoint_route_table_association" and isinstance(endpoint, m.VpcEndpoint):
            tables = endpoint.route_tables.value if isinstance(endpoint.route_tables, Known) and isinstance(endpoint.route_tables.value, list) else []
            endpoint.route_tables = Known(tables + [a("route_table_id")], a.header)
    apigateway.websocket_apis(by_node, model)
    for config in model.of_type(m.Alias):
        # a provisioned concurrency config on an alias runs on the version the alias points to
        alias = model.entity(config.qualifier) if config.kind == "lambda:provisioned-concurrency-config" else None
        if isinstance(alias, m.Alias) and alias.kind == "lambda:alias" and config.version.absent:
            config.version = alias.version
    for function in model.of_type(m.Function):
        archive = by_node.get(getattr(function.code_path.value, "node", None)) if isinstance(function.code_path, Known) else None
        if archive is not None and archive.type == "archive_file":
            a = _Attrs(archive)
            function.code_path = a("source_dir") if not a("source_dir").absent else a("source_file")
            function.code_mode_set = _file_mode(a("output_file_mode"))
            function.code_excludes = a("excludes") if not a("source_dir").absent else Absent(a.header)


def _file_mode(value: Value) -> Value:
    """archive_file ``output_file_mode`` ("0644") as the int the provider parses (Go's
    ``strconv.ParseUint(s, 0, 32)``: a leading ``0`` or ``0o`` is octal, ``0x`` hex, else
    decimal); a value it would reject is Unknown."""
    text = known_str(value)
    if text is None:
        return value
    raw = text.strip().replace("_", "")
    try:
        if raw[:2].lower() in ("0x", "0o", "0b"):
            number = int(raw, 0)
        elif len(raw) > 1 and raw.startswith("0"):
            number = int(raw, 8)
        else:
            number = int(raw, 10)
    except ValueError:
        return Unknown(f"output_file_mode {text!r} is not a number (the provider rejects it)", value.source)
    return Known(number, value.source)


def add_plan(doc, model) -> None:
    from .plan import read_plan

    add_resources(read_plan(doc), model)


__all__ = ["add_resources", "add_plan"]
