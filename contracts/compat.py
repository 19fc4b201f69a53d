"""Compatibility between contract versions, in Confluent Schema Registry's vocabulary.

BACKWARD: consumers on the new version can read records written with the old one.
FORWARD: consumers on the old version can read records written with the new one.
FULL: both. The ``_TRANSITIVE`` forms compare with every older version, not just the last.

The default is BACKWARD_TRANSITIVE, for two reasons. Our contracts are closed
(``extra="forbid"``), so any added field breaks FORWARD; requiring FORWARD would freeze
them. And the hub replays and back-fills years of history (DOMAIN.md §5): a consumer on
the newest version meets records of every older version, not only the previous one.
So consumers upgrade first, and each new version must read everything ever published.

A reader accepts a writer when every record valid under the writer's schema is valid
under the reader's. The check covers what pydantic emits (objects, ``$ref``, ``anyOf``,
enums, bounds, patterns, arrays) and explains every break in one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "DEFAULT_MODE",
    "MODES",
    "PATTERN_FIXES",
    "Mode",
    "breaks",
    "check_version",
    "gate",
    "mode_for",
]

Schema = Mapping[str, Any]
Key = tuple[str, int]


class Mode(StrEnum):
    """Schema Registry's compatibility modes."""

    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def backward(self) -> bool:
        """New readers must read old records."""
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        """Old readers must read new records."""
        return self.value.startswith(("FORWARD", "FULL"))

    @property
    def transitive(self) -> bool:
        """Compare with every older version, not only the previous one."""
        return self.value.endswith("_TRANSITIVE")


DEFAULT_MODE: Final = Mode.BACKWARD_TRANSITIVE
MODES: Mapping[str, Mode] = MappingProxyType({})
"""Per-type exceptions to the default; none yet. Add one with the reason beside it."""

PATTERN_FIXES: Mapping[Key, Mapping[str, str]] = MappingProxyType(
    {
        ("dk.casehub.archive.package-built", 2): MappingProxyType(
            {
                "avid": "v1's pattern was not Rigsarkivet's: it took AVID.SA.0.0 and refused "
                "7-digit serials; v2 takes exactly the ids Rigsarkivet issues",
            }
        ),
    }
)
"""(type, new version) → fields whose ``pattern`` the version corrects to an external id's
published syntax, with the reason. Only that keyword of only that field is exempt from the
check against older versions: an id the old pattern took and the published syntax refuses
was never a valid id, so no real record is lost. Every other change is checked as usual,
and later versions are held to this one."""

_JSON_TYPES: Final = {str: "string", bool: "boolean", int: "integer", float: "number"}
_MINIMA = ("minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties")
_MAXIMA = ("maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties")


def mode_for(event_type: str, modes: Mapping[str, Mode] = MODES) -> Mode:
    """The compatibility mode one event type is held to."""
    return modes.get(event_type, DEFAULT_MODE)


def breaks(
    reader: Schema,
    writer: Schema,
    *,
    reader_version: int,
    writer_version: int,
    pattern_fixes: frozenset[str] = frozenset(),
) -> list[str]:
    """Every way records written under ``writer`` can fail under ``reader``, one sentence each.

    A field path in ``pattern_fixes`` may change its ``pattern`` (``PATTERN_FIXES``).
    """
    comparison = _Comparison(reader, writer, reader_version, writer_version)
    comparison.pattern_fixes = pattern_fixes
    comparison.accepts(reader, writer, "")
    return comparison.found


def check_version(
    event_type: str,
    history: Mapping[int, Schema],
    version: int,
    mode: Mode,
    fixes: Mapping[Key, Mapping[str, str]] = PATTERN_FIXES,
) -> list[str]:
    """Whether ``version`` is compatible with the older versions in ``history`` under ``mode``."""
    fixed = frozenset(fixes.get((event_type, version), {}))
    older = sorted(v for v in history if v < version)
    if not mode.transitive:
        older = older[-1:]
    found = []
    for old in older:
        pairs = []
        if mode.backward:
            pairs.append((version, old))
        if mode.forward:
            pairs.append((old, version))
        for reader, writer in pairs:
            sentences = breaks(
                history[reader],
                history[writer],
                reader_version=reader,
                writer_version=writer,
                pattern_fixes=fixed,
            )
            found += [f"{event_type} v{version} ({mode.value}): {s}" for s in sentences]
    return found


def gate(
    code: Mapping[Key, Schema],
    committed: Mapping[Key, Schema],
    modes: Mapping[str, Mode] = MODES,
) -> list[str]:
    """The registry gate: published versions never change; new ones are compatible."""
    found = []
    for event_type, version in sorted(committed):
        if (event_type, version) not in code:
            found.append(
                f"{event_type} v{version}: published but gone from the catalogue; "
                "records of it may still be replayed, so keep its contract"
            )
        elif code[event_type, version] != committed[event_type, version]:
            found.append(
                f"{event_type} v{version}: its schema differs from the published one; "
                "a published version never changes, so change it in a new version"
            )
    for event_type in sorted({t for t, _ in code}):
        history = {v: s for (t, v), s in code.items() if t == event_type}
        history.update({v: s for (t, v), s in committed.items() if t == event_type})
        if sorted(history) != list(range(1, len(history) + 1)):
            found.append(f"{event_type}: versions must count up from 1 without gaps")
            continue
        for version in sorted(v for t, v in code if t == event_type):
            if (event_type, version) not in committed:
                found += check_version(event_type, history, version, mode_for(event_type, modes))
    return found


class _Comparison:
    """One reader/writer comparison, collecting sentences as it walks both schemas."""

    def __init__(self, reader: Schema, writer: Schema, reader_v: int, writer_v: int) -> None:
        self.roots = (reader, writer)
        self.reader_v = reader_v
        self.writer_v = writer_v
        self.found: list[str] = []
        self.pattern_fixes: frozenset[str] = frozenset()

    @property
    def reader_is_newer(self) -> bool:
        return self.reader_v > self.writer_v

    def say(self, change: str, tail: str = "") -> None:
        self.found.append(
            f"{change}; consumers on v{self.reader_v} cannot read v{self.writer_v} records{tail}"
        )

    def change(self, path: str, keyword: str, reader_value: object, writer_value: object) -> None:
        old, new = (
            (writer_value, reader_value) if self.reader_is_newer else (reader_value, writer_value)
        )
        shown_old = "none" if old is None else json_text(old)
        shown_new = "none" if new is None else json_text(new)
        self.say(f"field {name(path)} changed {keyword} from {shown_old} to {shown_new}")

    def accepts(self, reader: Schema, writer: Schema, path: str) -> None:
        reader, writer = self.resolve(reader, 0), self.resolve(writer, 1)
        reader_alts, writer_alts = alternatives(reader), alternatives(writer)
        if len(reader_alts) == 1 and len(writer_alts) == 1:
            self.accepts_one(reader, writer, path)
            return
        readers = [self.resolve(a, 0) for a in reader_alts]
        for writer_alt in (self.resolve(a, 1) for a in writer_alts):
            matches = [r for r in readers if overlap(r, writer_alt)]
            if not matches:
                self.type_change(path, reader, writer)
                return
            self.accepts_one(matches[0], writer_alt, path)

    def type_change(self, path: str, reader: Schema, writer: Schema) -> None:
        self.change(path, "type", self.describe(reader, 0), self.describe(writer, 1))

    def describe(self, schema: Schema, side: int) -> str:
        """The types of a schema and its alternatives, for a sentence."""
        found: set[str] = set()
        for alt in alternatives(schema):
            found |= types(self.resolve(alt, side)) or {"any"}
        return " or ".join(sorted(found))

    def accepts_one(self, reader: Schema, writer: Schema, path: str) -> None:
        reader_types, writer_types = types(reader), types(writer)
        if reader_types and not widened(writer_types, reader_types):
            self.type_change(path, reader, writer)
            return
        self.values(reader, writer, path)
        self.bounds(reader, writer, path)
        if "object" in reader_types or "properties" in reader:
            self.object(reader, writer, path)
        if "items" in reader and "items" in writer:
            self.accepts(reader["items"], writer["items"], f"{path}[]")

    def values(self, reader: Schema, writer: Schema, path: str) -> None:
        allowed, written = enum_of(reader), enum_of(writer)
        if allowed is None:
            return
        if written is None:
            self.say(f"field {name(path)} is limited to fixed values in v{self.reader_v}")
            return
        extra = [v for v in written if v not in allowed]
        if not extra:
            return
        listed = ", ".join(json_text(v) for v in extra)
        if self.reader_is_newer:
            self.say(f"field {name(path)} no longer allows {listed}", " that use them")
        else:
            self.say(f"field {name(path)} gained the values {listed}", " that use them")

    def bounds(self, reader: Schema, writer: Schema, path: str) -> None:
        for keyword in _MINIMA:
            if keyword in reader and (keyword not in writer or writer[keyword] < reader[keyword]):
                self.change(path, keyword, reader[keyword], writer.get(keyword))
        for keyword in _MAXIMA:
            if keyword in reader and (keyword not in writer or writer[keyword] > reader[keyword]):
                self.change(path, keyword, reader[keyword], writer.get(keyword))
        for keyword in ("pattern", "format"):
            if keyword == "pattern" and path in self.pattern_fixes:
                continue
            if keyword in reader and reader[keyword] != writer.get(keyword):
                self.change(path, keyword, reader[keyword], writer.get(keyword))

    def object(self, reader: Schema, writer: Schema, path: str) -> None:
        reader_props: Mapping[str, Schema] = reader.get("properties", {})
        writer_props: Mapping[str, Schema] = writer.get("properties", {})
        required = set(reader.get("required", ())) - set(writer.get("required", ()))
        for field in sorted(required):
            where = name(join(path, field))
            if self.reader_is_newer:
                self.say(f"field {where} became required", " without it")
            elif field in writer_props:
                self.say(f"field {where} became optional", " without it")
            else:
                self.say(f"field {where} was removed", " without it")
        closed = reader.get("additionalProperties") is False
        for field, writer_field in writer_props.items():
            if field in reader_props:
                self.accepts(reader_props[field], writer_field, join(path, field))
            elif closed:
                where = name(join(path, field))
                change = "was removed" if self.reader_is_newer else "was added"
                self.say(
                    f"field {where} {change}", " that carry it, as unknown fields are rejected"
                )
        if closed and writer.get("additionalProperties") is not False:
            self.say(f"object {name(path)} now rejects unknown fields")

    def resolve(self, schema: Schema, side: int) -> Schema:
        """Follow ``$ref`` into the side's own ``$defs``; siblings of the ref win."""
        seen = 0
        while "$ref" in schema and seen < 32:  # noqa: PLR2004 - a bound, not a rule
            target: Any = self.roots[side]
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            seen += 1
        return schema


def alternatives(schema: Schema) -> list[Schema]:
    """The alternatives of an ``anyOf``/``oneOf``, or the schema itself."""
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return list(schema[keyword])
    return [schema]


def types(schema: Schema) -> set[str]:
    """The JSON types a schema allows; empty when it does not say."""
    declared = schema.get("type")
    if declared is None and "const" in schema:
        declared = _JSON_TYPES.get(type(schema["const"]))
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def widened(writer: set[str], reader: set[str]) -> bool:
    """Every writer type is a reader type (an integer is a number)."""
    if not writer:
        return False
    return all(t in reader or (t == "integer" and "number" in reader) for t in writer)


def overlap(reader: Schema, writer: Schema) -> bool:
    """Whether a reader alternative can be the match for a writer alternative."""
    return widened(types(writer), types(reader)) or not (types(reader) or types(writer))


def enum_of(schema: Schema) -> list[Any] | None:
    """The fixed values a schema allows, or None when it allows any."""
    if "enum" in schema:
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def join(path: str, field: str) -> str:
    """A dotted field path."""
    return f"{path}.{field}" if path else field


def name(path: str) -> str:
    """A path as it appears in a sentence."""
    return path or "(the record)"


def json_text(value: object) -> str:
    """A short rendering of a schema value."""
    return repr(value) if isinstance(value, str) else str(value)
