"""Starting and stopping the benchmark's processes, and reading their memory from /proc.

Every process is started in its own session so that stopping it also stops whatever it spawned,
and its output goes to a log file (shown when it fails to start) instead of the terminal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class ServiceFailed(RuntimeError):
    """A process exited or never answered; the message carries the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """A long-running process the benchmark talks to over HTTP."""

    name: str
    command: Sequence[str]
    url: str
    log_dir: Path
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name.replace(' ', '_').replace('/', '_')}.log"

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            list(self.command), cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env}, start_new_session=True,
        )
        log.close()

    def wait_ready(self, probe_body: bytes, timeout: float = 60.0) -> None:
        """Poll with a real GraphQL request until the service answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            with contextlib.suppress(httpx.HTTPError):
                response = httpx.post(self.url, content=probe_body, timeout=2.0,
                                      headers={"content-type": "application/json"})
                if response.status_code == 200:
                    return
            time.sleep(0.2)
        raise ServiceFailed(f"{self.name} did not answer within {timeout:.0f}s\n{self.log_tail()}")

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise ServiceFailed(
                f"{self.name} exited with code {self.process.returncode}\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Signal the process group and wait; escalate to SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- memory ------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                found.extend(int(child) for child in text.split())
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (a gateway may fork workers)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (``VmRSS``), 0 once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_rss_bytes(pid: int) -> int:
    return sum(rss_bytes(member) for member in process_tree(pid))


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time one process (all its threads) has used so far."""
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/stat").read_text()
        fields = text[text.rindex(")") + 2:].split()  # skip "pid (comm) "; comm may hold spaces
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime
    return 0.0


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(member) for member in process_tree(pid))


class PeakRssSampler:
    """Samples the RSS of a process tree in a background thread and keeps the peak.

    Used as a context manager around one timed run; sampling every 50 ms costs next to nothing
    and catches the short-lived peaks a single reading at the end would miss.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_bytes(self.pid))
