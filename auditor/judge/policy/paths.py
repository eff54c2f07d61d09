"""Field paths over resource models: checked against the model at load, resolved at run time."""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

_UNION_TYPES = (Union, types.UnionType)


class PathError(Exception):
    pass


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in _UNION_TYPES:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def resolve_type(model: type[BaseModel], path: str) -> Any:
    """The annotation at ``path`` on ``model``; raises :class:`PathError` naming the bad segment."""
    if not path:
        raise PathError("empty path")
    annotation: Any = model
    segments = path.split(".")
    index = 0
    while index < len(segments):
        segment = segments[index]
        current = _strip_optional(annotation)
        origin = get_origin(current)
        if _is_model(current):
            fields = current.model_fields
            if segment not in fields:
                known = ", ".join(sorted(fields))
                raise PathError(f"{current.__name__} has no field {segment!r} (fields: {known})")
            annotation = fields[segment].annotation
            index += 1
        elif origin in (dict, typing.Mapping) or current is dict:
            # the rest of the path (which may contain dots) is the key
            value_type = get_args(current)[1] if get_args(current) else Any
            return _strip_optional(value_type)
        elif origin in (list, tuple, set, frozenset):
            raise PathError(
                f"{'.'.join(segments[:index])!r} is a list: use 'each' or 'some' to reach {segment!r}"
            )
        else:
            raise PathError(f"{'.'.join(segments[:index]) or 'value'!r} has no field {segment!r}")
    return _strip_optional(annotation)


def item_model(annotation: Any) -> Any:
    """The item annotation of a list-typed field, or raise."""
    current = _strip_optional(annotation)
    if get_origin(current) in (list, tuple, set, frozenset):
        args = get_args(current)
        return _strip_optional(args[0]) if args else Any
    raise PathError("not a list")


_MISSING = object()


def read(obj: Any, path: str) -> Any:
    """The value at ``path`` in ``obj`` (a model instance or dict). Absent anywhere -> None."""
    return read_segments(obj, tuple(path.split(".")))


def read_segments(obj: Any, segments: tuple[str, ...]) -> Any:
    """:func:`read` for a path already split into segments (the hot path of evaluation). A
    dict takes the rest of the path as one key (field names of a model hold no dots; keys of a
    dict, such as tag names, may)."""
    current = obj
    for index, segment in enumerate(segments):
        if current is None:
            return None
        if isinstance(current, BaseModel):
            current = getattr(current, segment, None)
        elif isinstance(current, dict):
            return current.get(".".join(segments[index:]))
        else:
            return None
    return current


__all__ = ["PathError", "item_model", "read", "read_segments", "resolve_type"]
