"""The JVM half of the test pyramid: every query a pure-transformation test ran on Sail, run again on JVM Spark.

Tests of pure transformations take the `spark` fixture, a Sail session. While such a test runs, each query it
executes is recorded: its Spark Connect plan (hand-built rows travel inside it as a local relation, Python UDFs
pickled) and what Sail returned, or that Sail refused it. A background thread sends the same plans to a classic
JVM Spark Connect server as they are recorded, and one parity item per test module, run at the end of the
session, checks that the JVM gave the same rows (or refused too). So every assertion runs once, on Sail, and
nothing Sail-only can sneak into a transformation: the JVM computes everything the assertions looked at.

A module whose transform is costly to plan (a JVM plans each query anew: 1.5 to 2.5 s for silver.wearable_minutes)
defines `jvm_parity_case(spark)` instead: all of its tests' hand-built cases at once, as the frames to compare. Its
tests then run on Sail alone, and its parity check runs that one case on both engines.

The JVM server is a process of its own (`spark-submit` of Spark's SparkConnectServer from the pyspark wheel)
on a port the OS picks, so two checkouts can run their suites at once.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyspark
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.connect.client import SparkConnectClient
from pyspark.sql.connect.proto import base_pb2, relations_pb2
from pyspark.sql.pandas.types import from_arrow_type

from fitlake.errors import first_line

# A test module's function (spark) -> the frames that hold all of its cases at once (see above).
PARITY_CASE = "jvm_parity_case"
CONNECT_SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"
READY = re.compile(r"Spark Connect server started at: \S+:(\d+)")
# The tests' rows are a few dozen: all a JVM query costs is planning it, so planning is kept cheap.
JVM_CONF = {
    "spark.master": "local[2]",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "1",
    "spark.ui.enabled": "false",
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.connect.grpc.binding.port": "0",  # the OS picks a free port; the server logs which
    # Constraint propagation is exponential in the CASE WHEN chains of a Silver transform's rules: one count on
    # silver.members' output took 6 to 8 s with it, 0.2 s without (2026-12-07).
    "spark.sql.constraintPropagation.enabled": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.artifact.isolation.enabled": "false",
}
# A JVM that lives a few minutes: the client compiler only and one GC thread spend a quarter less CPU than the
# defaults on the suite's queries (105 s against 139 s, 2026-12-07), CPU the Sail tests beside it need. Spark's
# own jars need no bytecode verification: without it the JVM spent 62-65 CPU-s on three test modules' replays
# against 70-78 s with it (bench/RESULTS.md).
JAVA_OPTIONS = " ".join(
    (
        "-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC",
        "-XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote",
    )
)
START_TIMEOUT_S = 180


class JvmUnavailable(RuntimeError):
    pass


class JvmConnectServer:
    """A local JVM Spark Connect server, started in the background and waited for when first used."""

    def __init__(self, workdir: Path) -> None:
        self.log = workdir / "jvm-connect-server.log"
        spark_home = Path(pyspark.__file__).parent
        conf = [arg for key, value in JVM_CONF.items() for arg in ("--conf", f"{key}={value}")]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
        env |= {"PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1", "TZ": "UTC"}
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    *(str(spark_home / "bin" / "spark-submit"), "--driver-java-options", JAVA_OPTIONS),
                    *("--class", CONNECT_SERVER, *conf, "spark-internal"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its Python workers go with it when the group is stopped
            )
        self._client: SparkConnectClient | None = None
        self._client_lock = threading.Lock()

    def client(self) -> SparkConnectClient:
        # Replays run on two threads: without the lock both made a client, and the one never closed retried its
        # exit call to the stopped server for minutes when the test process ended.
        with self._client_lock:
            if self._client is None:
                self._client = SparkConnectClient(f"sc://localhost:{self._wait_for_port()}")
            return self._client

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            found = READY.search(self.log.read_text(errors="replace"))
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        raise JvmUnavailable(f"the JVM Spark Connect server did not start (Java 17 on PATH?); its log ends:\n{tail}")

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Query:
    """One query a test ran on Sail: its plan, and Sail's rows or Sail's error."""

    test: str
    plan: base_pb2.Plan
    rows: pa.Table | None
    error: str | None = None


@dataclass
class ModuleQueries:
    replays: list[tuple[Query, Future[str | None]]] = field(default_factory=list)


class JvmParity:
    """Records the queries of `spark` tests on the Sail client and replays each on the JVM in the background."""

    def __init__(self, sail: SparkSession, workdir: Path) -> None:
        self._sail = sail
        self._jvm: JvmConnectServer | None = None
        self._workdir = workdir
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jvm-parity")
        self._modules: dict[str, ModuleQueries] = {}
        self._current: tuple[str, str] | None = None  # (module, test) while a `spark` test runs
        self._lock = threading.Lock()
        client = sail.client
        run_on_sail = client._execute_and_fetch

        def recorded(req: base_pb2.ExecutePlanRequest, *args, **kwargs):
            current = self._current
            if (
                current is None
                or req.plan.WhichOneof("op_type") != "root"
                or threading.current_thread().name != "MainThread"
            ):
                return run_on_sail(req, *args, **kwargs)
            plan = base_pb2.Plan()
            plan.CopyFrom(req.plan)
            try:
                result = run_on_sail(req, *args, **kwargs)
            except Exception as e:
                self._record(current, Query(current[1], plan, None, first_line(e)[:400]))
                raise
            self._record(current, Query(current[1], plan, result[0]))
            return result

        client._execute_and_fetch = recorded

    @contextmanager
    def recording(self, module: str, test: str) -> Iterator[None]:
        if self._jvm is None:  # started with the first test that needs it; it warms up while tests run
            self._jvm = JvmConnectServer(self._workdir)
        self._current = (module, test)
        try:
            yield
        finally:
            self._current = None

    def _record(self, where: tuple[str, str], query: Query) -> None:
        if computes_nothing(query.plan.root):
            return
        with self._lock:
            queries = self._modules.setdefault(where[0], ModuleQueries())
            queries.replays.append((query, self._pool.submit(self._replay, query)))

    def _replay(self, query: Query) -> str | None:
        """What differs between the JVM's answer and Sail's, or None."""
        try:
            rows, _, _ = self._jvm.client().to_table(query.plan, {})
        except JvmUnavailable:
            raise
        except Exception as e:
            if query.error is not None:
                return None  # refused by both
            return f"Sail answered but the JVM failed: {first_line(e)[:400]}"
        if query.error is not None:
            return f"the JVM answered but Sail failed: {query.error}"
        return difference(query.rows, rows)

    def run_case(self, module: str, test: str, case: Callable[[SparkSession], list[DataFrame]]) -> None:
        """Compute a module's cases at once on Sail, recording the queries for the JVM."""
        with self.recording(module, test):
            for frame in case(self._sail):
                frame.toArrow()

    def check(self, module: str) -> None:
        queries = self._modules.get(module)
        if queries is None:
            pytest.fail(f"no query of {module} was recorded on Sail: run its tests with this parity check")
        failures = []
        for i, (query, replay) in enumerate(queries.replays, start=1):
            differs = replay.result()
            if differs:
                failures.append(f"query {i}, run by {query.test}:\n  {differs}")
        assert not failures, f"{len(failures)} of {len(queries.replays)} queries differ on the JVM:\n" + "\n".join(
            failures
        )

    def stop(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._jvm is not None:
            self._jvm.stop()


# A hand-built frame read back (chispa sorts the expected rows it collects) holds no engine logic to compare.
_READ_BACK = {"local_relation", "sort"}


def computes_nothing(relation: relations_pb2.Relation) -> bool:
    """The plan only reads hand-built rows back, perhaps sorted."""
    kind = relation.WhichOneof("rel_type")
    if kind not in _READ_BACK:
        return False
    node = getattr(relation, kind)
    return kind == "local_relation" or computes_nothing(node.input)


def _canonical(value: object) -> object:
    """A value as both engines should agree on it: doubles to 12 significant digits (engines sum in their own
    order), instants in UTC, structs and lists as tuples (hashable, sortable through repr)."""
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else float(f"{value:.12g}")
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    if isinstance(value, dict):
        return tuple((k, _canonical(v)) for k, v in value.items())
    if isinstance(value, list) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return tuple(sorted((_canonical(v) for v in value), key=repr))  # a map: its entries have no order
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    return value


def _types(table: pa.Table) -> list[str]:
    return [from_arrow_type(f.type).simpleString() for f in table.schema]


def difference(sail: pa.Table, jvm: pa.Table) -> str | None:
    """How two results differ as sets of rows with their columns and types (row order and nullability aside)."""
    if sail.column_names != jvm.column_names:
        return f"columns {sail.column_names} on Sail, {jvm.column_names} on the JVM"
    if _types(sail) != _types(jvm):
        return f"types {_types(sail)} on Sail, {_types(jvm)} on the JVM"
    on_sail, on_jvm = ([_canonical(r) for r in t.to_pylist()] for t in (sail, jvm))
    if sorted(on_sail, key=repr) == sorted(on_jvm, key=repr):
        return None
    only_sail = [r for r in on_sail if r not in on_jvm][:3]
    only_jvm = [r for r in on_jvm if r not in on_sail][:3]
    return (
        f"{len(on_sail)} rows on Sail, {len(on_jvm)} on the JVM; only on Sail: {only_sail}; only on the JVM: {only_jvm}"
    )


class JvmParityItem(pytest.Item):
    """The parity check of one test module, added after the module's tests (conftest.py)."""

    def __init__(self, *, check: Callable[[], JvmParity], **kwargs) -> None:
        super().__init__(**kwargs)
        self._parity = check

    def runtest(self) -> None:
        parity = self._parity()
        case = getattr(self.parent.obj, PARITY_CASE, None)
        if case is not None:
            parity.run_case(self.parent.nodeid, self.nodeid, case)
        parity.check(self.parent.nodeid)

    def reportinfo(self):
        return self.path, None, f"{self.parent.nodeid}::{self.name}"

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, AssertionError | JvmUnavailable):
            return str(excinfo.value)
        return super().repr_failure(excinfo)
