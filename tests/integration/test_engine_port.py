"""While a `fitlake` command runs, no other local process can reach its engine: Sail serves Spark Connect with no
authentication, so reaching the port is reading every table (fitlake.isolation).

The probe: start `fitlake sql` on the built lakehouse, find the port its engine listens on (from the command's own
view of the network, /proc/<pid>/net/tcp, matched to the sockets it holds), freeze it there with SIGSTOP, and
connect from this process. A listening socket completes TCP handshakes even while its process is stopped, so with
isolation off the same connect succeeds: that run proves the probe can fail."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.integration.conftest import cli_env

QUERY = "select count(*) as members from silver.member_pii"


def _sockets_held(pid: int) -> set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            inodes.add(link[len("socket:[") : -1])
    return inodes


def _listening_ports(pid: int, net: str = "tcp") -> dict[str, int]:
    """TCP sockets listening on 127.0.0.1 in `pid`'s network namespace: {inode: port}."""
    with open(f"/proc/{pid}/net/{net}") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return {r[9]: int(r[1].split(":")[1], 16) for r in rows if r[3] == "0A" and r[1].startswith("0100007F:")}


def _engine_port(child: subprocess.Popen, timeout: float = 60) -> tuple[str, int]:
    """The inode and port of the socket the child's engine listens on, as soon as it does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.poll() is None:
        try:
            held = _sockets_held(child.pid)
            listening = {inode: port for inode, port in _listening_ports(child.pid).items() if inode in held}
        except (FileNotFoundError, ProcessLookupError):
            break
        if listening:
            return next(iter(listening.items()))
        time.sleep(0.005)
    out, err = child.communicate(timeout=30)
    raise AssertionError(f"fitlake sql never listened on 127.0.0.1 (exit {child.returncode}):\n{out}\n{err}")


def _probe_during_a_command(home, isolation: str) -> tuple[bool, bool, subprocess.CompletedProcess]:
    """(connected to the engine's port from here, its socket visible in this process's network, the command)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "fitlake", "--home", str(home), "sql", QUERY, "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(FITLAKE_ENGINE_ISOLATION=isolation),
    )
    try:
        inode, port = _engine_port(child)
        child.send_signal(signal.SIGSTOP)
        try:
            # Stopped, it cannot close the port; check it still listens, so a refusal below means hidden, not gone.
            assert _listening_ports(child.pid).get(inode) == port
            visible_here = inode in _listening_ports(os.getpid())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10):
                    connected = True
            except ConnectionRefusedError:
                connected = False
        finally:
            child.send_signal(signal.SIGCONT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return connected, visible_here, subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.reliability(
    input="while `fitlake sql` runs on a built lakehouse, a second local process connects to its engine's "
    "Spark Connect port (Sail has no authentication: reaching it is reading silver.member_pii)",
    expected="the connection is refused; the command itself works",
    observed="connection refused: the port exists only in the command's own network namespace; the command prints "
    "its rows, exit 0. With FITLAKE_ENGINE_ISOLATION=off the same connect succeeds",
)
def test_a_second_process_cannot_reach_the_engine_during_a_command(home):
    connected, visible_here, command = _probe_during_a_command(home, "auto")
    assert command.returncode == 0, command.stderr
    assert command.stderr == ""  # isolated: no warning
    assert command.stdout.splitlines()[0] == "members" and int(command.stdout.splitlines()[1]) > 0
    assert not visible_here
    assert not connected


def test_without_isolation_the_same_probe_reaches_the_engine(home):
    connected, visible_here, command = _probe_during_a_command(home, "off")
    assert command.returncode == 0, command.stderr
    assert visible_here
    assert connected
