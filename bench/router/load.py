"""Drives load with wrk and parses the one summary line ``post.lua`` prints.

wrk is a small C program (epoll, a few threads) built for exactly this closed-loop test: fixed
connections, each sending the next request as soon as the previous answer arrives. On a 2-core
machine the load generator shares the CPU with the gateway and the subgraphs, so its own cost
matters: wrk spends far less CPU per request than a Node (autocannon) or Python client would.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("post.lua")


class LoadError(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    http_errors: int  # responses with status >= 400
    socket_errors: int  # connect + read + write + timeout
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadError("wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)")
    return path


def run_wrk(url: str, body_file: Path, *, seconds: float, connections: int, threads: int
            ) -> LoadResult:
    command = [
        require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", "10s", "-s", str(SCRIPT), url, "--", str(body_file),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next(
        (text for text in completed.stdout.splitlines() if text.startswith("BENCH ")), None
    )
    if completed.returncode != 0 or line is None:
        raise LoadError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n"
                        f"{completed.stderr}")
    return parse_summary(line)


def parse_summary(line: str) -> LoadResult:
    fields = dict(pair.split("=", 1) for pair in line.split()[1:])
    micros = 1000.0
    return LoadResult(
        requests=int(fields["requests"]),
        seconds=int(fields["duration_us"]) / 1_000_000,
        http_errors=int(fields["status"]),
        socket_errors=sum(int(fields[key]) for key in ("connect", "read", "write", "timeout")),
        p50_ms=int(fields["p50"]) / micros,
        p95_ms=int(fields["p95"]) / micros,
        p99_ms=int(fields["p99"]) / micros,
        max_ms=int(fields["max"]) / micros,
    )
