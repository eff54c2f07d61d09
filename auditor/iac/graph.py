"""Reading checkov's view of a configuration: one resource's conf, and the whole graph.

Checkov (3.x) keeps a parsed configuration as a graph whose nodes are ``(index, attributes)``
pairs; a resource node's attributes carry ``block_type_ == "resource"``, its name
(``aws_s3_bucket.phi``) and ``config_`` (``{type: {name: conf}}``). Only those keys are read here,
and any node that does not look like that is skipped, so a change in checkov's graph shape can
make a join find nothing (reported by the mapper as a gap), never crash a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.iac.tf import TfIndex, TfResource


def _line(conf: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = conf.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, int) and value > 0:
            return value
    return None


def resource_from_conf(tf_type: str, conf: Mapping[str, Any], entity_path: str = "") -> TfResource:
    """The resource checkov is asking about (``entity_path`` is ``file:type:name``)."""
    address = conf.get("__address__")
    if not isinstance(address, str) or not address:
        name = entity_path.rsplit(":", 1)[-1] if entity_path else "unnamed"
        address = f"{tf_type}.{name}"
    file = entity_path.split(":", 1)[0] if entity_path else None
    return TfResource(
        type=tf_type,
        address=address,
        conf=conf,
        file=file or None,
        line_start=_line(conf, "__start_line__", "__startline__"),
        line_end=_line(conf, "__end_line__", "__endline__"),
    )


def _node_attributes(node: Any) -> Mapping[str, Any] | None:
    if isinstance(node, tuple) and len(node) == 2:
        node = node[1]
    if isinstance(node, Mapping):
        return node
    attrs = getattr(node, "__dict__", None)  # networkx/igraph back ends keep Block objects
    return attrs if isinstance(attrs, Mapping) else None


def index_from_graph(graph: Any) -> TfIndex:
    """Every resource in checkov's graph, for joins across resources."""
    resources: list[TfResource] = []
    nodes_fn = getattr(graph, "nodes", None)
    if nodes_fn is None:
        return TfIndex()
    try:
        nodes = nodes_fn() if callable(nodes_fn) else nodes_fn
        nodes = list(nodes(data=True)) if callable(nodes) else list(nodes)
    except TypeError:
        nodes = list(nodes_fn)
    for node in nodes:
        attrs = _node_attributes(node)
        if attrs is None:
            continue
        block_type = attrs.get("block_type_", attrs.get("block_type"))
        if str(getattr(block_type, "value", block_type)) != "resource":
            continue
        config = attrs.get("config_", attrs.get("config"))
        if not isinstance(config, Mapping) or len(config) != 1:
            continue
        ((tf_type, named),) = config.items()
        if not isinstance(named, Mapping):
            continue
        file = attrs.get("file_path_", attrs.get("path"))
        for name, conf in named.items():
            if not isinstance(conf, Mapping):
                continue
            address = conf.get("__address__") or f"{tf_type}.{name}"
            resources.append(
                TfResource(
                    type=str(tf_type),
                    address=str(address),
                    conf=conf,
                    file=str(file)
                    if isinstance(file, str) and not file.endswith(".json")
                    else None,
                )
            )
    return TfIndex.of(resources)


__all__ = ["index_from_graph", "resource_from_conf"]
