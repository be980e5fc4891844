"""A throw-away PostgreSQL cluster for the application-state tests.

Debian's `postgresql` package provides the server binaries (CI installs it).
The cluster listens on a unix socket in a private temporary directory and
never on TCP; it is made with `initdb`, which refuses to run as root, so as
root it runs as the `postgres` system user. Each test gets a fresh database,
copied from one migrated once (a template copy takes a fraction of the time
the migration takes).
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from reliefgraph.appdb import migrate, open_engine

ROLE = "reliefgraph"


def server_bindir() -> Path | None:
    """The newest installed server's bin directory: Debian keeps it off PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rgpg"))  # short: a socket path is limited to 107 bytes
        self.data = self.root / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.root.chmod(0o700)
        self._names = itertools.count(1)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bindir / tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> "Cluster":
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        # Durability is not under test here: fsync off keeps CREATE DATABASE quick.
        options = (f"-c listen_addresses='' -c unix_socket_directories={self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")
        self._create("migrated")
        engine = open_engine(self.url("migrated"))
        migrate(engine)
        engine.dispose()  # a template must have no connections when it is copied
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{ROLE}@/{database}?host={self.root}"

    def new_database(self, migrated: bool = True) -> str:
        name = f"t{next(self._names)}"
        self._create(name, template="migrated" if migrated else "template0")
        return self.url(name)

    def _create(self, name: str, template: str = "template0") -> None:
        admin = open_engine(self.url()).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            # FILE_COPY: with fsync off its checkpoint is cheap, and it copies faster than WAL_LOG.
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")  # names made here
        admin.dispose()

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
