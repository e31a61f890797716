"""`emar scanner listen` prints each scan as one JSON line (the installed command, real ports)."""

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tests.devices.test_serial_scanner import GS, PtyPair

EMAR = str(Path(sys.executable).parent / "emar")
FMD = "]d20105012345678900172606301" + f"0AB12{GS}21XYZ987"


def _listen(port: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [EMAR, "scanner", "listen", "--port", port, "--count", str(count), "--seconds", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "Scanner ready" in line, line


def test_listen_on_a_pseudo_terminal(tmp_path):
    pair = PtyPair(tmp_path)
    pair.plug_in()
    try:
        proc = _listen(str(pair.scanner), 3)
        _wait_ready(proc)
        pair.send(FMD.encode() + b"\r" + b"01050123456789001726063010AB1221XYZ987\r" + b"junk!\r")
        out, _ = proc.communicate(timeout=20)
    finally:
        pair.unplug()
    assert proc.returncode == 0
    first, dropped, junk = (json.loads(line) for line in out.splitlines())
    assert first["raw"] == "]d201050123456789001726063010AB12<GS>21XYZ987"
    assert (first["gtin"], first["expiry"], first["batch"], first["serial"]) == (
        "05012345678900",
        "2026-06-30",
        "AB12",
        "XYZ987",
    )
    assert first["symbology"] == "]d2" and first["gs_separator"] is True
    assert dropped["batch"] is None and "GS separator" in dropped["problem"]
    assert junk["kind"] == "unknown" and "Not a barcode eMAR knows" in junk["problem"]


def test_listen_on_a_socket_url():
    """A network scanner. pyserial's socket:// clears its input when it opens, so (like a real
    scanner, which sends when something is scanned) this one sends after the listener is ready."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    ready = threading.Event()

    def scanner_over_tcp():
        conn, _ = server.accept()
        with conn:
            ready.wait(20)
            conn.sendall(b"EMAR-S-B1001\r5012345678900\r")
            conn.recv(1)  # hold the connection until the listener goes away

    thread = threading.Thread(target=scanner_over_tcp, daemon=True)
    thread.start()
    proc = _listen(f"socket://127.0.0.1:{port}", 2)
    _wait_ready(proc)
    ready.set()
    out, err = proc.communicate(timeout=20)
    server.close()
    assert proc.returncode == 0, err
    badge, pack = (json.loads(line) for line in out.splitlines())
    assert (badge["kind"], badge["label"]) == ("staff", "B1001")
    assert pack["gtin"] == "05012345678900"
