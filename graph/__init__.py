"""The graph room: the declared schema, the store seam and its two backends.

`open_store()` is the entry point; see store.py for the interface.
"""
from reliefgraph.graph.schema import Schema, SchemaError, load_schema
from reliefgraph.graph.store import (GraphStore, ReadOnlyViolation, Result, StoreError,
                                     WriteSummary, open_store)

__all__ = ["GraphStore", "ReadOnlyViolation", "Result", "Schema", "SchemaError",
           "StoreError", "WriteSummary", "load_schema", "open_store"]
