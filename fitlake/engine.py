"""Start and stop the Spark engine named in the settings.

sail        Sail (pysail), a Rust engine speaking Spark Connect, started in this process. The default.
spark       classic JVM PySpark with delta-spark, for machines that can download the Delta jars.
databricks  the cluster's own session inside a Databricks job, or databricks-connect from a laptop.

Each engine names the catalog its tables live in and whether that catalog persists between sessions
(Unity Catalog does; Sail's memory catalog and Spark's session catalog are re-registered from disk).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import SparkSession

from fitlake.errors import EngineUnavailable, first_line
from fitlake.settings import Settings


@dataclass
class EngineHandle:
    spark: SparkSession
    catalog: str
    persistent_catalog: bool
    stop: Callable[[], None]


def start(settings: Settings) -> EngineHandle:
    starters = {"sail": _start_sail, "spark": _start_jvm_spark, "databricks": _start_databricks}
    return starters[settings.engine](settings)


# prctl(2) option: no transparent huge pages for this process (inherited by the processes it starts).
PR_SET_THP_DISABLE = 41


def _without_transparent_huge_pages() -> None:
    """Sail's allocator (mimalloc) keeps touching fresh memory; on a Linux host whose transparent huge pages are
    `always`, each first touch makes the kernel zero a whole 2 MiB page. Measured on tiny: 30% of a build_silver's
    CPU was the kernel clearing pages; without huge pages its system time fell from 4.5 s to 1.6 s and its peak
    RSS from 730 to 600 MB (bench/RESULTS.md). A host that refuses the call keeps its default."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)


def _start_sail(settings: Settings) -> EngineHandle:
    # Sail reads its configuration from the environment when the server starts. The memory catalog
    # takes the configured name so three-part names resolve exactly as in Unity Catalog.
    os.environ["SAIL_CATALOG__LIST"] = f'[{{type="memory", name="{settings.catalog}", initial_database=["default"]}}]'
    os.environ["SAIL_CATALOG__DEFAULT_CATALOG"] = settings.catalog
    os.environ.setdefault("RUST_LOG", "error")
    _without_transparent_huge_pages()
    try:
        from pysail.spark import SparkConnectServer
    except ImportError as e:  # the `local` extra; a Databricks cluster does not install it
        raise EngineUnavailable(f"engine 'sail' needs pysail: pip install 'fitlake[local]' ({first_line(e)})") from e
    server = SparkConnectServer(ip="127.0.0.1", port=0)
    server.start(background=True)
    _, port = server.listening_address
    # "localhost", not 127.0.0.1: when SPARK_CONNECT_AUTHENTICATE_TOKEN is set (a local JVM Connect
    # server sets it), the client would otherwise insist on TLS, which Sail does not speak.
    spark = SparkSession.builder.remote(f"sc://localhost:{port}").create()
    # Transformations read local wall-clock times as UTC. Sail defaults to "Etc/UTC", which also makes
    # its DDL timestamps differ from those it reads back from the Delta log ("UTC").
    spark.conf.set("spark.sql.session.timeZone", "UTC")

    def stop() -> None:
        try:
            spark.stop()
        finally:
            server.stop()

    return EngineHandle(spark, settings.catalog, persistent_catalog=False, stop=stop)


def _start_jvm_spark(settings: Settings) -> EngineHandle:
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise EngineUnavailable("engine 'spark' needs Java 17: put java on PATH or set JAVA_HOME")
    try:
        from delta import configure_spark_with_delta_pip
    except ImportError as e:
        raise EngineUnavailable("engine 'spark' needs delta-spark: pip install 'fitlake[jvm]'") from e
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("fitlake")
        .config("spark.sql.session.timeZone", "UTC")  # transformations read local wall-clock times as UTC
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    )
    try:
        spark = configure_spark_with_delta_pip(builder).getOrCreate()
    except Exception as e:
        raise EngineUnavailable(
            "engine 'spark' could not start JVM Spark with Delta; it downloads the Delta jars from "
            f"Maven Central on first use, which this machine may not reach ({first_line(e)}). "
            "Use --engine sail instead."
        ) from e
    # Delta's catalog plugin must be Spark's session catalog, so JVM tables live in spark_catalog.
    return EngineHandle(spark, "spark_catalog", persistent_catalog=False, stop=spark.stop)


def _start_databricks(settings: Settings) -> EngineHandle:
    if os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        # Inside a Databricks job task: the cluster already runs Spark.
        spark = SparkSession.builder.getOrCreate()
        return EngineHandle(spark, settings.catalog, persistent_catalog=True, stop=lambda: None)
    try:
        from databricks.connect import DatabricksSession
    except ImportError as e:
        raise EngineUnavailable(
            "engine 'databricks' needs databricks-connect, which replaces pyspark: install it in a "
            "virtualenv of its own (pip install 'databricks-connect==16.*') and configure a profile "
            "(databricks auth login)"
        ) from e
    try:
        spark = DatabricksSession.builder.getOrCreate()
    except Exception as e:
        raise EngineUnavailable(
            f"engine 'databricks' could not connect to a workspace: {first_line(e)}. "
            "Set DATABRICKS_HOST and credentials, or DATABRICKS_CONFIG_PROFILE."
        ) from e
    return EngineHandle(spark, settings.catalog, persistent_catalog=True, stop=spark.stop)
