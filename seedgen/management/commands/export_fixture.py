"""``manage.py export_fixture PROFILE -o FILE``: the CLI's export, inside a project."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from seedgen import api
from seedgen.errors import SeedgenError


def parse_count(text: str) -> tuple[str, int]:
    try:
        return api.parse_count(text)
    except ValueError as exc:
        raise CommandError(f"--count {exc}") from None


def parse_shard(text: str) -> tuple[int, int]:
    from seedgen.scale.shards import parse_shard

    try:
        return parse_shard(text)
    except SeedgenError as exc:
        raise CommandError(f"--shard {exc}") from None


class Command(BaseCommand):
    help = "Write the data of a seedgen profile as a fixture that loaddata accepts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("profile", help="The YAML profile.")
        parser.add_argument("-o", "--output", help="Fixture file; the suffix names format and compression.")
        parser.add_argument("--per-model", help="Write one fixture per model into this directory.")
        parser.add_argument("--format", choices=["json", "jsonl", "yaml", "xml"])
        parser.add_argument("--indent", type=int)
        parser.add_argument("--seed", type=int)
        parser.add_argument("--count", action="append", default=[], type=parse_count, metavar="LABEL=N")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--chunk-size", type=int)
        parser.add_argument("--jobs", type=int, default=1, help="Worker processes that make the rows (same bytes).")
        parser.add_argument("--shard", type=parse_shard, metavar="I/N", help="Only the I-th of N row ranges of every model.")

    def handle(self, *args, **options) -> None:
        if (options["output"] is None) == (options["per_model"] is None):
            raise CommandError("give -o/--output FILE or --per-model DIR (one of them)")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1")
        try:
            report = api.export(
                options["profile"], options["output"], format=options["format"], indent=options["indent"],
                per_model=options["per_model"], seed=options["seed"], counts=dict(options["count"]),
                scale=options["scale"], chunk_size=options["chunk_size"], jobs=options["jobs"],
                shard=options["shard"],
            )
        except SeedgenError as exc:
            raise CommandError(str(exc)) from None
        if options["output"] != "-":
            for model in report.models:
                self.stderr.write(f"{model.label}: {model.rows} rows")
            self.stderr.write(f"wrote {', '.join(report.outputs)}")
