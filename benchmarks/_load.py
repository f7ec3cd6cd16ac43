"""A light HTTP load generator: threads and ``http.client``, nothing else, so it leaves the CPU to the
server it measures (the machine has two cores).

* closed loop: ``threads`` clients each send their next request as soon as the last one answered, for
  ``seconds``; the figure is completed requests per second (the server's capacity);
* open loop: requests are due at a fixed ``rate`` whatever the server does; the latency of each is
  counted from when it was *due*, not when a client got round to sending it, so a slow server cannot
  hide its queue (no coordinated omission).
A client is a callable made once per thread that sends one request and says whether the answer was right.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

Client = Callable[[], bool]


@dataclass
class Run:
    """What one load run saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    wrong: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, latency: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.wrong += not ok

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Latency (seconds) below which `share` of the requests finished, nearest-rank."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def post(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """One POST on a new connection (gunicorn's sync workers close each connection anyway)."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def closed_loop(make_client: Callable[[], Client], threads: int, seconds: float) -> Run:
    run, clients = Run(), [make_client() for _ in range(threads)]
    deadline = time.monotonic() + seconds

    def drive(client: Client) -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok = client()
            run.record(time.monotonic() - started, ok)

    started = time.monotonic()
    _run_all([threading.Thread(target=drive, args=(client,)) for client in clients])
    run.seconds = time.monotonic() - started
    return run


def open_loop(make_client: Callable[[], Client], rate: float, seconds: float, threads: int) -> Run:
    run, clients = Run(), [make_client() for _ in range(threads)]
    total, start = int(rate * seconds), time.monotonic() + 0.2

    def drive(index: int, client: Client) -> None:
        for request in range(index, total, threads):
            due = start + request / rate
            time.sleep(max(0.0, due - time.monotonic()))
            ok = client()
            run.record(time.monotonic() - due, ok)

    _run_all([threading.Thread(target=drive, args=(i, c)) for i, c in enumerate(clients)])
    run.seconds = time.monotonic() - start
    return run


def _run_all(workers: list[threading.Thread]) -> None:
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
