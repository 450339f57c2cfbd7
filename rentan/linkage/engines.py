"""The two engines Splink runs the linking on: DuckDB in this process (a province), Spark for
the country. Only reading the files and bringing the pairs back differ; the model is
`linking`'s. Spark (pyspark, the optional extra `spark`, and a Java runtime) is imported only
when asked for.
"""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import duckdb
import pyarrow as pa
from splink.backends.duckdb import DuckDBAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from rentan.linkage.participants_file import COLUMN_NAMES

ENGINES = ("duckdb", "spark")
_TABLE = "participants"
_SAMPLE = "participants_sample"


class Engine(Protocol):
    """What differs between DuckDB and Spark: reading the files into one table, and bringing
    a table back as Arrow. `keys` are columns added to the table as they are read (name: SQL
    expression both engines read), so that the blocking joins and sorts on plain columns."""

    name: str

    def load(self, paths: Sequence[Path], keys: Mapping[str, str]) -> SplinkDataFrame: ...

    def to_arrow(self, frame: SplinkDataFrame) -> pa.Table: ...


class EngineUnavailable(RuntimeError):
    """Spark asked for where pyspark or Java is missing; the message says what to install."""


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, workdir: Path, *, memory_limit: str = "", threads: int = 0) -> None:
        self.connection = duckdb.connect()
        # Pairs larger than memory spill to the work directory instead of failing.
        self.connection.execute("SET temp_directory = ?", [str(workdir / "duckdb")])
        if memory_limit:
            self.connection.execute("SET memory_limit = ?", [memory_limit])
        if threads:
            self.connection.execute("SET threads = ?", [threads])
        self.api = DuckDBAPI(self.connection)

    def load(self, paths: Sequence[Path], keys: Mapping[str, str]) -> SplinkDataFrame:
        self.read(paths, keys).create(_TABLE)
        return self.api.register(_TABLE)

    def read(self, paths: Sequence[Path], keys: Mapping[str, str]) -> duckdb.DuckDBPyRelation:
        """The files' records, with the columns `keys` added."""
        columns = ", ".join([*COLUMN_NAMES, *[f"{sql} AS {name}" for name, sql in keys.items()]])
        return _select(
            self.connection.read_parquet([str(p) for p in paths]),
            # the expressions are the model's own, never input
            f"SELECT {columns} FROM records",  # noqa: S608
        )

    def load_sample(
        self, paths: Sequence[Path], keys: Mapping[str, str], *, rows: int, seed: int
    ) -> SplinkDataFrame:
        """`rows` records drawn at random (the same ones for the same seed and files)."""
        sample = _select(
            self.read(paths, keys),
            f"SELECT * FROM records USING SAMPLE reservoir({int(rows)} ROWS) "  # noqa: S608
            f"REPEATABLE ({int(seed)})",
        )
        sample.create(_SAMPLE)
        return self.api.register(_SAMPLE)

    def count(self, frame: SplinkDataFrame) -> int:
        # the name is one of the engine's own tables, never input
        counted = self.connection.sql(f"SELECT count(*) FROM {frame.physical_name}")  # noqa: S608
        return int(counted.fetchall()[0][0])

    def count_shared(self, paths: Sequence[Path], *, on: str, where: str) -> tuple[int, int]:
        """The records of the files, and the pairs of them equal on the column `on` for
        which the SQL condition `where` (on the sides l and r) holds."""
        counted = _select(
            self.connection.read_parquet([str(p) for p in paths]),
            # the column and the condition are the model's own, never input
            f"SELECT (SELECT count(*) FROM records), count(*) FROM records l JOIN records r "  # noqa: S608
            f"ON l.{on} = r.{on} AND l.record_id < r.record_id AND {where}",
        )
        total, shared = counted.fetchall()[0]
        return int(total), int(shared)

    def to_arrow(self, frame: SplinkDataFrame) -> pa.Table:
        # the name is one of the engine's own tables, never input
        relation = self.connection.sql(f"SELECT * FROM {frame.physical_name}")  # noqa: S608
        return relation.to_arrow_table()

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class SparkEngine:
    """Spark in local mode by default (`master`), as one machine runs it; the same code runs
    on a cluster's master URL."""

    name = "spark"

    def __init__(
        self,
        workdir: Path,
        *,
        master: str = "local[*]",
        driver_memory: str = "2g",
        shuffle_partitions: int = 8,
    ) -> None:
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import SparkAPI, similarity_jar_location
        except ImportError as missing:
            raise EngineUnavailable(
                "Mesin Spark memerlukan pyspark: pasang dengan `pip install 'rentan[spark]'`."
            ) from missing
        if not _java_present():
            raise EngineUnavailable(
                "Mesin Spark memerlukan Java 17 atau lebih baru: pasang paket Debian "
                "`openjdk-17-jre-headless`."
            )
        self.session = (
            SparkSession.builder.master(master)
            .appName("rentan-link-regions")
            # Jaro-Winkler and Damerau-Levenshtein as Spark functions, shipped with Splink.
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.memory", driver_memory)
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
            .config("spark.local.dir", str(workdir / "spark-local"))
            .config("spark.sql.warehouse.dir", str(workdir / "spark-warehouse"))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        self.session.sparkContext.setLogLevel("ERROR")
        self.workdir = workdir
        self.api = SparkAPI(
            spark_session=self.session,
            num_partitions_on_repartition=shuffle_partitions,
            # Splink's tables between steps kept by Spark (memory, then local disk) rather
            # than written out as Parquet and read back.
            break_lineage_method="persist",
        )

    def load(self, paths: Sequence[Path], keys: Mapping[str, str]) -> SplinkDataFrame:
        """The files gathered by DuckDB into one Parquet file in the work folder, which Spark
        reads once and keeps: Spark opens each of hundreds of small files at a cost far above
        its rows, and every blocking rule joins the table with itself. (On a cluster the work
        folder is one every executor reads.)"""
        gathered = self.workdir / f"{_TABLE}.parquet"
        with DuckDBEngine(self.workdir) as gatherer:
            gatherer.read(paths, keys).write_parquet(str(gathered), compression="zstd")
        frame = self.session.read.parquet(str(gathered)).persist()
        frame.count()  # read and kept now, before the first join
        return self.api.register(frame, table_name=_TABLE)

    def to_arrow(self, frame: SplinkDataFrame) -> pa.Table:
        return frame.as_spark_dataframe().toArrow()

    def close(self) -> None:
        self.session.stop()


def _java_present() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").exists():
        return True
    return any(Path(d, "java").exists() for d in os.environ.get("PATH", "").split(os.pathsep))


def java_present() -> bool:
    """Whether a Java runtime is on this machine (the Spark engine needs one)."""
    return _java_present()


@contextmanager
def open_engine(name: str, workdir: Path, **options: object) -> Iterator[Engine]:
    engine: DuckDBEngine | SparkEngine
    if name == "spark":
        engine = SparkEngine(workdir, **options)  # type: ignore[arg-type]
    elif name == "duckdb":
        engine = DuckDBEngine(workdir, **options)  # type: ignore[arg-type]
    else:
        raise ValueError(f"Mesin “{name}” tidak dikenal; pilih salah satu: {', '.join(ENGINES)}.")
    try:
        yield engine
    finally:
        engine.close()


def _select(records: duckdb.DuckDBPyRelation, sql: str) -> duckdb.DuckDBPyRelation:
    """What DuckDB answers `sql`, a SELECT that reads the relation `records` by that name."""
    answer = records.query("records", sql)
    if answer is None:  # a SELECT always answers a relation
        raise RuntimeError("DuckDB did not answer a SELECT")
    return answer
