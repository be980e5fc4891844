"""Masking of personal data, driven by the schema's `pii` flags.

Masked forms keep just enough to tell records apart on screen
(5201**********123X) without disclosing the value.
"""
from __future__ import annotations

from typing import Any

from reliefgraph.graph.schema import Schema, load_schema


def mask(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    text = str(value)
    if kind == "citizen_id":
        return _keep(text, 4, 4)
    if kind == "phone":
        return _keep(text, 3, 4)
    if kind == "bank_account":
        return _keep(text, 4, 4)
    if kind == "address":
        return text[:6] + "****" if len(text) > 6 else "****"
    raise ValueError(f"unknown PII kind {kind!r}")


def _keep(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_value(value: Any, column: str | None = None, schema: Schema | None = None) -> Any:
    """Mask one query value: a column named like a PII property, or PII inside
    node / relationship / path dicts and lists."""
    pii = (schema or load_schema()).pii_properties()
    return _walk(value, column, pii)


def _walk(value: Any, name: str | None, pii: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, k, pii) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, name, pii) for v in value]
    if name in pii and isinstance(value, (str, int)):
        return mask(pii[name], value)
    return value
