"""fitlake.isolation: a command's process gets a network of its own, with a working loopback, or says why not.

Entering a namespace cannot be undone, so each trial runs in a fresh `python -c` process; only the choices made
before any system call (the mode, a remote MLflow server) are tried in this one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from fitlake import cli, isolation
from fitlake.errors import EngineUnavailable, SettingsError

REPO = Path(__file__).parents[2]

# Enters isolation as `fitlake` would, then reports its network namespace and whether 127.0.0.1 works in it.
TRIAL = """
import json, os, socket, sys, threading, time
from fitlake import isolation
if sys.argv[1] == "threaded":
    threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
warnings = []
try:
    if sys.argv[1] == "user-namespace":  # the way anyone but root goes in, taken by root too
        isolation.enter_private_network(user_namespace=True)
        private = True
    else:
        private = isolation.protect_engine_port(uses_mlflow=False, warn=warnings.append)
except Exception as e:
    private = f"{type(e).__name__}: {e}"
with socket.socket() as server:
    server.bind(("127.0.0.1", 0))
    server.listen()
    with socket.create_connection(("localhost", server.getsockname()[1]), timeout=5):
        pass
written = os.path.join(sys.argv[2], "made-inside")
open(written, "w").close()
print(json.dumps({"private": private, "warnings": warnings, "net": os.readlink("/proc/self/ns/net"),
                  "owner": os.stat(written).st_uid}))
"""


def _trial(tmp_path: Path, kind: str, **environment: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FITLAKE_", "MLFLOW_"))} | environment
    result = subprocess.run(
        [sys.executable, "-c", TRIAL, kind, str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_command_gets_a_network_of_its_own_where_loopback_works(tmp_path):
    found = _trial(tmp_path, "single")
    assert found["private"] is True and found["warnings"] == []
    assert found["net"] != os.readlink("/proc/self/ns/net")  # not this process's network: the engine's port is hidden
    assert found["owner"] == os.geteuid()  # files made inside keep their owner


def test_through_a_user_namespace_too_files_keep_their_owner(tmp_path):
    found = _trial(tmp_path, "user-namespace")
    assert found["private"] is True
    assert found["net"] != os.readlink("/proc/self/ns/net")
    assert found["owner"] == os.geteuid()


def test_a_threaded_process_is_left_as_it_is_with_a_warning(tmp_path):
    found = _trial(tmp_path, "threaded")
    assert found["private"] is False
    assert found["net"] == os.readlink("/proc/self/ns/net")
    (warning,) = found["warnings"]
    assert "port is open to every local user" in warning and "already runs 2 threads" in warning


def test_required_isolation_that_cannot_be_had_refuses_to_run(tmp_path):
    found = _trial(tmp_path, "threaded", FITLAKE_ENGINE_ISOLATION="required")
    assert found["private"].startswith("EngineUnavailable: FITLAKE_ENGINE_ISOLATION=required, but")
    assert found["net"] == os.readlink("/proc/self/ns/net")


def test_off_means_no_isolation_and_no_warning(tmp_path):
    found = _trial(tmp_path, "single", FITLAKE_ENGINE_ISOLATION="off")
    assert found["private"] is False and found["warnings"] == []
    assert found["net"] == os.readlink("/proc/self/ns/net")


def test_a_remote_mlflow_server_is_not_cut_off():
    warnings = []
    environ = {"MLFLOW_TRACKING_URI": "https://mlflow.example.com"}
    assert isolation.protect_engine_port(uses_mlflow=True, warn=warnings.append, environ=environ) is False
    (warning,) = warnings
    assert "MLFLOW_TRACKING_URI is a server (https://mlflow.example.com)" in warning
    with pytest.raises(EngineUnavailable, match="MLFLOW_TRACKING_URI is a server"):
        isolation.protect_engine_port(True, warn=warnings.append, environ=environ | {isolation.ENVIRONMENT: "required"})


@pytest.mark.parametrize("uri", ["", "sqlite:////tmp/h/mlflow/mlflow.db", "file:///tmp/mlruns", "/tmp/mlruns"])
def test_a_local_mlflow_store_is_not_a_server(uri):
    assert isolation._remote_tracking_server({"MLFLOW_TRACKING_URI": uri}) is None


def test_an_unknown_mode_is_a_settings_error():
    with pytest.raises(SettingsError, match="FITLAKE_ENGINE_ISOLATION must be one of auto, required, off, not 'no'"):
        isolation.mode({isolation.ENVIRONMENT: "no"})


def test_the_commands_isolated_are_commands_of_the_cli():
    """A misspelt name in the CLI's list would leave that command's engine open, silently."""
    commands = set(typer.main.get_command(cli.app).commands)
    assert commands >= cli._STARTS_SAIL and cli._USES_MLFLOW <= cli._STARTS_SAIL
    assert "deploy" in commands and "deploy" not in cli._STARTS_SAIL  # it needs the network
