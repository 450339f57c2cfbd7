"""rentan link_regions FILE... --engine duckdb|spark --out FILE: the people covered twice (two
regions, or a region and another payer, at the same time) among the participants files of any
number of regions, with the evidence of each pair (rentan.linkage; docs/linkage.md)."""

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rentan.core.formatting import format_number
from rentan.linkage.engines import ENGINES, EngineUnavailable, open_engine
from rentan.linkage.linking import (
    DEFAULT_THRESHOLD,
    OUTPUT_SUFFIXES,
    check_files,
    link,
    write_pairs,
)
from rentan.linkage.participants_file import FormatRefused


class Command(BaseCommand):
    help = (
        "Cocokkan berkas peserta beberapa wilayah (Splink, DuckDB atau Spark) dan tulis orang "
        "yang ditanggung dua kali beserta buktinya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument("--out", required=True, type=Path, help="berkas .parquet atau .csv")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"peluang cocok terendah yang ditulis (bawaan {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--spark-master", default="local[*]", help="Spark: local[*] atau alamat klaster"
        )
        parser.add_argument("--spark-driver-memory", default="2g")
        parser.add_argument(
            "--spark-partitions",
            type=int,
            default=8,
            help="Spark: bagian data sesudah pengacakan (lebih banyak untuk klaster besar)",
        )
        parser.add_argument(
            "--workdir", type=Path, help="folder kerja sementara (bawaan: folder sementara sistem)"
        )

    def handle(self, *args: Any, files: list[Path], engine: str, out: Path, **options: Any) -> None:
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise CommandError(
                f"Berkas hasil {out.name} harus berakhiran {' atau '.join(OUTPUT_SUFFIXES)}."
            )
        if not 0 < options["threshold"] <= 1:
            raise CommandError("Ambang peluang cocok harus di antara 0 dan 1.")
        engine_options: dict[str, object] = {}
        if engine == "spark":
            engine_options = {
                "master": options["spark_master"],
                "driver_memory": options["spark_driver_memory"],
                "shuffle_partitions": options["spark_partitions"],
            }
        try:
            form = check_files(files)
        except FormatRefused as refused:
            raise CommandError(str(refused)) from None
        with tempfile.TemporaryDirectory(prefix="rentan-link-", dir=options["workdir"]) as work:
            try:
                with open_engine(engine, Path(work), **engine_options) as running:
                    result = link(
                        files,
                        engine=running,
                        workdir=Path(work),
                        threshold=options["threshold"],
                        form=form,
                    )
            except EngineUnavailable as unavailable:
                raise CommandError(str(unavailable)) from None
        write_pairs(result.pairs, out)
        self.stdout.write(
            f"{format_number(result.records)} peserta dari {len(files)} berkas dicocokkan "
            f"({engine}): {format_number(result.doubles)} pasangan ditanggung dua kali "
            f"ditulis ke {out}."
        )
