"""Loopback ports for test servers: each pytest-xdist worker draws from a range of its own, below the ephemeral ports."""

import itertools
import os
import random
import socket

__all__ = ["free_port"]

HOST = "127.0.0.1"
FIRST = 10000
SLOT = 500


def _ephemeral_low() -> int:
    """The lowest port the kernel hands out for ``bind(0)`` and outgoing connections (32768 when unknown)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _slot_range() -> range:
    """This process's ports: slot 0 without xdist, slot N+1 for worker ``gwN``; never in the ephemeral range."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
    slots = max(1, (_ephemeral_low() - FIRST) // SLOT)
    start = FIRST + (index % slots) * SLOT
    return range(start, start + SLOT)


_PORTS = _slot_range()
_cursor = itertools.count(random.randrange(len(_PORTS)))


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now.

    Ports come from this worker's own range and are handed out in turn, so parallel workers never pick the same port,
    and a port a stopped server will reuse on restart cannot be taken meanwhile by an outgoing connection's
    ``bind(0)`` (those use the ephemeral range).
    """
    for _ in range(len(_PORTS)):
        port = _PORTS[next(_cursor) % len(_PORTS)]
        if _bindable(port):
            return port
    raise RuntimeError(f"no free loopback port in {_PORTS.start}-{_PORTS.stop - 1}")
