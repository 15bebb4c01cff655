"""The real Neo4j 5.26 Community server the tests and benchmarks run against.

``tests/neo4j/`` is a small Maven project whose launcher starts an embedded Neo4j DBMS
with a Bolt connector on ``127.0.0.1:PORT``, auth disabled and APOC core loaded. The
first ``start()`` builds it (``mvn -B -q package``; the jars land in
``tests/neo4j/target`` and are reused by every later run), then starts the JVM and
waits until Bolt answers a driver.

    server = Neo4jTestServer()
    server.start()          # builds if needed, picks a free port
    server.uri              # bolt://127.0.0.1:PORT
    server.kill()           # SIGKILL: an outage, as a crash would cause one
    server.restart()        # back on the same port with the same data
    server.stop()

``python -m tests.neo4j_server`` starts one and prints its URI until Ctrl-C.
"""
from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

PROJECT = Path(__file__).resolve().parent / "neo4j"
TARGET = PROJECT / "target"
MAIN_CLASS = "org.influencegraph.testserver.Launcher"
READY = re.compile(r"^NEO4J READY (?P<uri>bolt://\S+) version=(?P<version>\S+) apoc=(?P<apoc>\S+)")
STAMP = TARGET / "build.sha256"

# Modest memory for a 2-core CI machine (the page cache, 256 MiB, is set by the launcher),
# plus the module openings Neo4j 5 asks for on Java 17+.
JVM_OPTIONS = (
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)


def _source_digest() -> str:
    """Return a digest of the launcher's pom and sources: the build is redone when it changes."""
    digest = hashlib.sha256()
    for path in [PROJECT / "pom.xml", *sorted((PROJECT / "src").rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _is_built() -> bool:
    return (STAMP.is_file() and STAMP.read_text().strip() == _source_digest()
            and (TARGET / "classes").is_dir() and any((TARGET / "lib").glob("neo4j-*.jar")))


def build(timeout: float = 1200.0) -> None:
    """Build the launcher with Maven unless ``tests/neo4j/target`` already holds this version.

    Tries offline first (the jars are usually in ``~/.m2`` already), then online. Concurrent
    callers wait for each other on a lock file. Raises RuntimeError when Maven fails.
    """
    if _is_built():
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn) is not installed; run scripts/setup.sh")
    TARGET.mkdir(parents=True, exist_ok=True)
    with open(TARGET / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_built():
            return
        output = ""
        for offline in (["-o"], []):
            proc = subprocess.run([mvn, "-B", "-q", *offline, "package"], cwd=PROJECT,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=timeout, check=False)
            if proc.returncode == 0:
                STAMP.write_text(_source_digest())
                return
            output = proc.stdout + proc.stderr
        tail = "\n".join(output.strip().splitlines()[-30:])
        raise RuntimeError(f"building the Neo4j test server failed:\n{tail}")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Neo4jTestServer:
    """A Neo4j 5.26 Community DBMS in a child JVM: Bolt on 127.0.0.1, no auth, APOC core.

    Parameters
    ----------
    port:
        The Bolt port; a free one is picked at the first start when None.
    data_dir:
        Where the DBMS keeps its files; a temporary directory (removed by ``stop()``) when None.
    """

    def __init__(self, port: int | None = None, data_dir: str | Path | None = None) -> None:
        self.port = port
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.version: str | None = None
        self.apoc_version: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._lines: collections.deque[str] = collections.deque(maxlen=80)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def uri(self) -> str:
        """Return the Bolt URI, ``bolt://127.0.0.1:PORT``."""
        if self.port is None:
            raise RuntimeError("the Neo4j test server was never started")
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """Return True while the JVM is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 120.0) -> Self:
        """Build if needed, start the JVM and wait until a driver connects; return self.

        Raises RuntimeError with the JVM's last output lines when the server does not come
        up within ``timeout`` seconds.
        """
        if self.running:
            return self
        build()
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="influence-neo4j-"))
        if self.port is not None:
            self._launch(timeout)
            return self
        # A port picked here can be taken by another process before the JVM binds it: retry once.
        for attempt in (1, 2):
            self.port = free_port()
            try:
                self._launch(timeout)
                return self
            except RuntimeError as exc:
                if attempt == 2 or "Address already in use" not in str(exc):
                    raise
        return self

    def _launch(self, timeout: float) -> None:
        assert self.port is not None and self.data_dir is not None
        classpath = os.pathsep.join([str(TARGET / "classes"), str(TARGET / "lib" / "*")])
        command = [self._java(), *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS,
                   str(self.port), str(self.data_dir), str(TARGET / "plugins")]
        self._lines.clear()
        self._ready.clear()
        # stdin stays open: the launcher shuts down when it ends, so the JVM never outlives us.
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, bufsize=1,
                                      start_new_session=True)
        self._reader = threading.Thread(target=self._read_output, args=(self._proc,),
                                        name="neo4j-test-server-output", daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        try:
            while not self._ready.wait(0.2):
                if self._proc.poll() is not None:
                    raise RuntimeError(f"the JVM exited with code {self._proc.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no ready line within {timeout:.0f} s")
            self._wait_for_driver(deadline)
        except RuntimeError as exc:
            self._terminate(graceful=False)
            raise RuntimeError(f"Neo4j test server on port {self.port} did not start: {exc}\n"
                               f"{self._last_output()}") from None

    def stop(self) -> None:
        """Shut the DBMS down cleanly (killing it if it hangs) and remove a temporary data dir."""
        self._terminate(graceful=True)
        if self._own_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def kill(self) -> None:
        """Kill the JVM at once (SIGKILL), keeping the port and the data for ``restart()``."""
        self._terminate(graceful=False)

    def restart(self, timeout: float = 120.0) -> Self:
        """Start again on the same port with the same data (stopping it first if it runs)."""
        self._terminate(graceful=True)
        return self.start(timeout=timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # internals
    @staticmethod
    def _java() -> str:
        java_home = os.environ.get("JAVA_HOME")
        java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
        if not java or not Path(java).exists():
            raise RuntimeError("Java (17+) is not installed; run scripts/setup.sh")
        return java

    def _read_output(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            self._lines.append(line)
            match = READY.match(line)
            if match:
                self.version = match["version"]
                self.apoc_version = None if match["apoc"] == "none" else match["apoc"]
                self._ready.set()

    def _wait_for_driver(self, deadline: float) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, ServiceUnavailable

        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with GraphDatabase.driver(self.uri, auth=("neo4j", "neo4j"),
                                          connection_timeout=5) as driver:
                    driver.verify_connectivity()
                return
            except (ServiceUnavailable, Neo4jError, OSError) as exc:
                last = exc
                time.sleep(0.5)
        raise RuntimeError(f"the driver could not connect: {last}")

    def _terminate(self, graceful: bool) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            if graceful:
                with contextlib.suppress(OSError):
                    assert proc.stdin is not None
                    proc.stdin.close()
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
            else:
                proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
            self._reader = None
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _last_output(self) -> str:
        lines = list(self._lines)
        if self.data_dir is not None:
            debug_log = self.data_dir / "logs" / "debug.log"
            if debug_log.is_file():
                tail = debug_log.read_text(errors="replace").splitlines()[-20:]
                lines += ["--- logs/debug.log ---", *tail]
        return "\n".join(lines[-80:]) or "(the JVM printed nothing)"


def main() -> int:
    """Start a server, print its URI and wait for Ctrl-C (or SIGTERM)."""
    server = Neo4jTestServer()
    started = time.monotonic()
    server.start()
    print(f"{server.uri}  (Neo4j {server.version}, APOC {server.apoc_version or 'not loaded'}, "
          f"up in {time.monotonic() - started:.1f} s; Ctrl-C stops it)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            if not server.running:
                print("the Neo4j test server exited", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
