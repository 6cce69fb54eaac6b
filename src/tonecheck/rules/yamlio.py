"""Safe YAML loading that remembers where every value came from.

Rule files are user data: only YAML's safe constructors run, and every mapping key and
list item keeps its line so validation errors can say "file:line: problem".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import RuleFileError

Lines = dict[tuple[Any, ...], int]


def load_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse ``path``; return the data and a map from key paths to 1-based lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(str(path), None, "not UTF-8 text") from None
    except OSError as exc:
        raise RuleFileError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RuleFileError(str(path), line, f"invalid YAML: {exc.problem}") from None
    if node is None:
        raise RuleFileError(str(path), None, "the file is empty")
    lines: Lines = {}
    return _convert(node, (), lines, path), lines


def _convert(node: yaml.Node, where: tuple[Any, ...], lines: Lines, path: Path) -> Any:
    lines[where] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise RuleFileError(str(path), key_node.start_mark.line + 1, "keys must be plain words")
            if key in out:
                raise RuleFileError(str(path), key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _convert(value_node, (*where, key), lines, path)
            lines[(*where, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*where, i), lines, path) for i, item in enumerate(node.value)]
    # Scalars: resolve with the safe loader's own rules (ints, bools, strings).
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
