"""A throwaway PostgreSQL server from the installed binaries, for tests and benchmarks.

PostgreSQL refuses to run as root, and CI runs as root, so the server is started as the
`postgres` user (runuser) with its data in a temporary folder that user owns. It listens on
127.0.0.1 and a free port only, with fsync off: it is test data, thrown away at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_pg_bin() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for path in reversed(candidates):
        if (Path(path) / "initdb").exists() and (Path(path) / "pg_ctl").exists():
            return Path(path)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bin_dir: Path
    data_dir: Path
    port: int
    user: str = "postgres"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def _cmd(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def start(self) -> None:
        initdb = str(self.bin_dir / "initdb")
        subprocess.run(
            self._cmd(
                initdb,
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
        )
        opts = (
            f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        subprocess.run(
            self._cmd(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-o",
                opts,
                "-l",
                str(self.data_dir / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            self._cmd(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "immediate",
                "-w",
                "stop",
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_pg_server() -> PgServer | None:
    """Start a server, or return None when no PostgreSQL binaries are installed."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="emar-pg-"))
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(data, "postgres", "postgres")
    server = PgServer(bin_dir, data, _free_port())
    server.start()
    return server
