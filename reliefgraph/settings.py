"""Settings, read from the environment once; the CLI's options override them.

| variable | meaning | default |
|---|---|---|
| RELIEFGRAPH_URI | graph store: a data directory (embedded FalkorDB) or a bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc:// URI (Neo4j); any other `scheme://` is refused | ./data/graph |
| RELIEFGRAPH_GRAPH | graph name inside the engine (FalkorDB key / Neo4j database) | reliefgraph (Neo4j: neo4j) |
| RELIEFGRAPH_APP_DB | application database (clues, cases, users, audit) as an SQLAlchemy-style URL | sqlite:///./data/app.db |
| RELIEFGRAPH_APP_FILES | folder for the files the application keeps (orders' attachments, by SHA-256) | ./data/files |
| RELIEFGRAPH_ATTACHMENT_MAX_MB | largest attachment accepted, in MB (2**20 bytes; also Streamlit's upload cap) | 20 |
| NEO4J_USER, NEO4J_PASSWORD | Neo4j credentials | neo4j / (none) |
| NEO4J_DATABASE | Neo4j database name | neo4j |
| RELIEFGRAPH_START_TIMEOUT | seconds to wait for the embedded engine to answer | 60 |
| RELIEFGRAPH_HANG_TIMEOUT | seconds the embedded engine may sit silent and idle (deadlocked) under a waiting call before it is killed and restarted | 60 |
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
# `scheme://` at the start: a URL, not a folder (a folder named `http:` is a typo, not a wish).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class UnsupportedURI(ValueError):
    """RELIEFGRAPH_URI (or --db) names neither a data directory nor a Neo4j server."""


def graph_backend(uri: str) -> str:
    """`neo4j` for a Neo4j URI, `embedded` for a data directory; any other
    `scheme://` (http://, file://, mysql://) is refused, never taken as a
    folder name."""
    if uri.startswith(NEO4J_SCHEMES):
        return "neo4j"
    found = _SCHEME.match(uri)
    if found:
        raise UnsupportedURI(
            f"不支持的数据库地址 unsupported database URI scheme: {found.group(1)}:// — "
            "嵌入式引擎请给数据目录路径 give a data directory path for the embedded engine, "
            f"Neo4j 请用 or for Neo4j one of {', '.join(NEO4J_SCHEMES)}")
    if not uri.strip():
        raise UnsupportedURI("数据库地址为空 the database URI is blank")
    return "embedded"


@dataclass(frozen=True)
class Settings:
    graph_uri: str = "./data/graph"
    graph_name: str = "reliefgraph"
    app_db: str = "sqlite:///./data/app.db"
    app_files: str = "./data/files"
    attachment_max_mb: float = 20.0
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    start_timeout: float = 60.0
    hang_timeout: float = 60.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            graph_uri=env.get("RELIEFGRAPH_URI") or cls.graph_uri,
            graph_name=env.get("RELIEFGRAPH_GRAPH") or cls.graph_name,
            app_db=env.get("RELIEFGRAPH_APP_DB") or cls.app_db,
            app_files=env.get("RELIEFGRAPH_APP_FILES") or cls.app_files,
            attachment_max_mb=float(env.get("RELIEFGRAPH_ATTACHMENT_MAX_MB") or cls.attachment_max_mb),
            neo4j_user=env.get("NEO4J_USER") or cls.neo4j_user,
            neo4j_password=env.get("NEO4J_PASSWORD") or None,
            neo4j_database=env.get("NEO4J_DATABASE") or cls.neo4j_database,
            start_timeout=float(env.get("RELIEFGRAPH_START_TIMEOUT") or cls.start_timeout),
            hang_timeout=float(env.get("RELIEFGRAPH_HANG_TIMEOUT") or cls.hang_timeout),
        )
