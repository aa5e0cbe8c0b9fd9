"""YAML 1.1 scalar resolution (what ``yaml.safe_load`` does), fast for the common case of plain text.

Resolving every scalar through PyYAML's resolver costs more than parsing with libyaml; most scalars in a
spec are names and words, which cannot be anything but strings, so they skip the regular expressions.
Only the tags of ``yaml.SafeLoader`` are supported: a Vigil spec is plain data.
"""

from __future__ import annotations

from typing import Any

import yaml

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
MERGE = "tag:yaml.org,2002:merge"

#: Tags a spec may spell out (``!!str 2024-12-31``); anything else (``!!python/object``, ``!Ref``) is refused.
SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "merge")
)
COLLECTION_TAGS = frozenset((SEQ, MAP))

#: First characters of plain scalars that YAML 1.1 may read as something other than a string.
_MAYBE_TYPED = frozenset("0123456789+-.~<=nNtTfFyYoO")
_KEYWORDS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "null",
        "Null",
        "NULL",
        "~",
    ]
)

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


def resolve_plain(value: str) -> str:
    """The tag YAML 1.1 gives a plain (unquoted, untagged) scalar.

    >>> resolve_plain("static"), resolve_plain("60"), resolve_plain("2024-12-31"), resolve_plain("yes")
    ('tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:bool')
    """
    if value and value[0] not in _MAYBE_TYPED:
        return STR
    if value and value[0] in "nNtTfFyYoO" and value not in _KEYWORDS:
        return STR
    tag: str = _resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def construct(tag: str, value: str, mark: Any) -> Any:
    """The Python value of a scalar with a resolved or explicit tag (``ValueError`` when it is not one)."""
    if tag == STR:
        return value
    node = yaml.ScalarNode(tag, value, mark, mark)
    build = _constructor.yaml_constructors.get(tag)
    if build is None:
        raise ValueError(f"{value!r} has an unsupported tag")
    try:
        return build(_constructor, node)  # not construct_object: it would keep every node in a cache
    except Exception as exc:
        raise ValueError(f"{value!r} is not a valid {tag.rsplit(':', 1)[-1]}") from exc


def short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object`` (as the user wrote it)."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag
