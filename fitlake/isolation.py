"""Keep other local processes off the embedded engine's port.

Sail 0.7.2 serves Spark Connect on 127.0.0.1 without authentication: while a `fitlake` command runs, any local
process could open a session on its port and read every table, silver.member_pii included. Sail cannot check a
token, so a command that starts Sail first moves its own process into a network namespace of its own (Linux),
whose loopback only it uses: the port does not exist for anyone else. Files, pipes and Unix sockets are not
network resources, so the command still reads and writes the home, MLflow's SQLite store and Great Expectations'
docs as before. It must happen while the process has one thread (the kernel refuses a user namespace to a
threaded process, and would move only the calling thread into a network one), so the CLI does it first.

FITLAKE_ENGINE_ISOLATION  auto (default): isolate, or warn in one line that the port is open to local users
                          where the system does not allow namespaces (some containers);
                          required: refuse to run without it; off: do not isolate.

Only `fitlake` commands are isolated: a notebook or test that starts Sail in its own process (fitlake.engine)
is not, see docs/engine-notes.md.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from urllib.parse import urlparse

from fitlake.errors import EngineUnavailable, SettingsError

ENVIRONMENT = "FITLAKE_ENGINE_ISOLATION"
MODES = ("auto", "required", "off")

# <linux/sched.h>, <linux/sockios.h>, <linux/if.h>
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
_IFREQ = "16sH22x"  # struct ifreq: the interface name, then ifr_flags in a 24-byte union


class IsolationUnavailable(Exception):
    """This process cannot have a network of its own; the message says why."""


def mode(environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(ENVIRONMENT, "auto").strip().lower() or "auto"
    if value not in MODES:
        raise SettingsError(f"{ENVIRONMENT} must be one of {', '.join(MODES)}, not {value!r}")
    return value


def protect_engine_port(
    uses_mlflow: bool, warn: Callable[[str], None], environ: Mapping[str, str] = os.environ
) -> bool:
    """Put this process in a private network before the engine starts, as FITLAKE_ENGINE_ISOLATION says.
    True if it is; otherwise warns (auto) or raises EngineUnavailable (required)."""
    chosen = mode(environ)
    if chosen == "off":
        return False
    server = _remote_tracking_server(environ) if uses_mlflow else None
    if server:
        problem = f"MLFLOW_TRACKING_URI is a server ({server}), which a private network would cut off"
    else:
        try:
            _require_one_thread()  # before the trial: a forked child always has one
            _try_in_a_child()
        except IsolationUnavailable as e:
            problem = str(e)
        else:
            try:
                enter_private_network()
            except IsolationUnavailable as e:  # after a trial that went through: nothing to fall back on
                raise EngineUnavailable(
                    f"entering a private network failed half-way, so no engine can start: {e}"
                ) from e
            return True
    if chosen == "required":
        raise EngineUnavailable(f"{ENVIRONMENT}=required, but the engine's port cannot be made private: {problem}")
    warn(
        f"the engine's port is open to every local user during this command: {problem} "
        f"({ENVIRONMENT}=required refuses to run then, =off silences this)"
    )
    return False


def enter_private_network(user_namespace: bool | None = None) -> None:
    """Move this single-threaded process into a new network namespace with its loopback up. Once entered there is
    no way back, so `protect_engine_port` tries it in a child first. `user_namespace`: own the network through a
    user namespace of our own, as anyone but root must (None: unless root)."""
    _require_one_thread()
    libc = ctypes.CDLL(None, use_errno=True)
    # As root a network namespace alone keeps every privilege on files; anyone else, or root without CAP_SYS_ADMIN
    # (in some containers), needs a user namespace of their own to own one.
    if user_namespace is None:
        user_namespace = os.geteuid() != 0
    if user_namespace or libc.unshare(CLONE_NEWNET) != 0:
        uid, gid = os.geteuid(), os.getegid()
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            raise IsolationUnavailable(f"unshare: {os.strerror(ctypes.get_errno())}")
        # Map our own ids onto themselves, so files keep their owner; setgroups must be denied first.
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _loopback_up()


def _require_one_thread() -> None:
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 0
    if threads != 1 or threading.active_count() != 1:
        raise IsolationUnavailable(f"the process already runs {max(threads, threading.active_count())} threads")


def _loopback_up() -> None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            flags = struct.unpack_from("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack(_IFREQ, b"lo", 0)))[1]
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | IFF_UP))
    except OSError as e:
        raise IsolationUnavailable(f"cannot bring the private loopback up: {e.strerror or e}") from e


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        if not (path.endswith("setgroups") and e.errno == errno.ENOENT):  # kernels before 3.19 have no setgroups
            raise IsolationUnavailable(f"cannot write {path}: {e.strerror or e}") from e


def _try_in_a_child() -> None:
    """Enter the namespace in a forked child first: a failure half-way (a user namespace whose loopback cannot be
    brought up, as AppArmor's unprivileged-namespace restriction does) would leave this process with no network."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave, running no cleanup of the parent's
        code = 0
        try:
            os.close(read)
            enter_private_network()
        except IsolationUnavailable as e:
            os.write(write, str(e).encode()[:1000])
            code = 1
        except BaseException as e:  # anything at all must reach the parent as a reason
            os.write(write, f"{type(e).__name__}: {e}".encode()[:1000])
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        reason = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise IsolationUnavailable(reason or f"the trial process ended with status {status}")


def _remote_tracking_server(environ: Mapping[str, str]) -> str | None:
    """MLFLOW_TRACKING_URI when it names a server (http, databricks, a database over TCP), not a local store."""
    uri = environ.get("MLFLOW_TRACKING_URI", "")
    scheme = urlparse(uri).scheme.lower()
    return uri if uri and scheme not in ("", "file", "sqlite") and len(scheme) > 1 else None  # C:\\ is a path
