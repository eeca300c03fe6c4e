"""The ``seedgen`` command: a thin Click layer over ``seedgen.api``."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from seedgen import api
from seedgen.errors import Interrupted, SeedgenError
from seedgen.progress import Progress

if TYPE_CHECKING:
    from seedgen.check import CheckReport


def parse_counts(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, int]:
    try:
        return dict(api.parse_count(item) for item in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def parse_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    from seedgen.scale.shards import parse_shard as parse

    try:
        return parse(value)
    except SeedgenError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def plan_options(command: Callable) -> Callable:
    """The options every command that builds a plan takes."""
    decorators = [
        click.argument("profile", type=click.Path(dir_okay=False)),
        click.option("--seed", type=click.IntRange(min=0), help="Seed; overrides the profile's."),
        click.option("--count", "counts", multiple=True, callback=parse_counts, metavar="LABEL=N",
                     help="Row count of one model, e.g. blog.Post=500 (repeatable)."),
        click.option("--scale", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     help="Multiply every model's count."),
        click.option("--settings", help="Django settings module (else DJANGO_SETTINGS_MODULE, the profile's, the demo's)."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def user_errors(command: Callable) -> Callable:
    """Turn seedgen's errors into one-line Click errors (exit 1) instead of tracebacks."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Interrupted as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except SeedgenError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("Error: interrupted: nothing was written", err=True)
            sys.exit(130)

    return wrapper


# Commands that live in their own module, imported only when the command runs: name ->
# ("module:attribute" of a click command, the short help `seedgen --help` shows without importing it).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "load": ("seedgen.fixtures.commands:load", "Load fixtures like loaddata, in bulk."),
    "backup": ("seedgen.fixtures.commands:backup", "Write every app's rows to a JSON Lines backup with a manifest."),
    "restore": ("seedgen.fixtures.commands:restore", "Restore a backup atomically, after checking its manifest."),
    "validate": ("seedgen.fixtures.validate_cli:validate", "Check fixture files for every problem loaddata would meet."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is asked for (Click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            import importlib

            module, _, attribute = LAZY_COMMANDS[cmd_name][0].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = [n for n in self.list_commands(ctx) if n in LAZY_COMMANDS or not self.commands[n].hidden]
        limit = formatter.width - 6 - max(map(len, names), default=0)  # as Click's own listing
        rows = [(n, LAZY_COMMANDS[n][1] if n in LAZY_COMMANDS else self.commands[n].get_short_help_str(limit)) for n in names]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="seedgen")
def cli() -> None:
    """Seeded, realistic sample data for Django models, from a YAML profile."""


@cli.command()
@plan_options
@click.option("-o", "--output", help="Fixture file; the suffix names format and compression. '-' is stdout.")
@click.option("--per-model", type=click.Path(file_okay=False), help="Write one fixture per model into this directory.")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "yaml", "xml"]),
              help="Format, when the file name does not say.")
@click.option("--indent", type=click.IntRange(min=0), help="Indent nested levels by this many spaces, like dumpdata.")
@click.option("--chunk-size", type=click.IntRange(min=1), help="Rows generated at a time (memory, not output).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes that make the rows; the output is the same bytes.")
@click.option("--shard", callback=parse_shard, metavar="I/N", help="Write only the I-th of N row ranges of every model.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Dask scheduler to run --shards N tasks on, each writing its shard into the -o directory.")
@click.option("--shards", type=click.IntRange(min=1), help="With --dask: the number of shards (tasks).")
@click.option("-q", "--quiet", is_flag=True, help="Print no summary.")
@user_errors
def export(profile: str, seed: int | None, counts: dict[str, int], scale: float, settings: str | None,
           output: str | None, per_model: str | None, fmt: str | None, indent: int | None,
           chunk_size: int | None, jobs: int, shard: tuple[int, int] | None, dask_address: str | None,
           shards: int | None, quiet: bool) -> None:
    """Write the data of PROFILE as a fixture that `manage.py loaddata` accepts."""
    if (shards is None) != (dask_address is None):
        raise click.UsageError("--dask ADDRESS and --shards N go together (one shard here: --shard I/N)")
    if dask_address is not None:
        return export_on_dask(profile, seed, counts, scale, settings, output, per_model, fmt, indent, chunk_size,
                              jobs, shard, dask_address, shards, quiet)
    if (output is None) == (per_model is None):
        raise click.UsageError("give -o/--output FILE or --per-model DIR (one of them)")
    report = api.export(profile, output, format=fmt, indent=indent, per_model=per_model, seed=seed,
                        counts=counts, scale=scale, settings=settings, chunk_size=chunk_size, jobs=jobs,
                        shard=shard)
    if not quiet and output != "-":
        print_summary(report)
    elif not quiet:
        print_notices(report)


def export_on_dask(profile: str, seed: int | None, counts: dict[str, int], scale: float, settings: str | None,
                   output: str | None, per_model: str | None, fmt: str | None, indent: int | None,
                   chunk_size: int | None, jobs: int, shard: tuple[int, int] | None, address: str, shards: int,
                   quiet: bool) -> None:
    """``export --dask``: the shards as tasks on a Dask cluster, into the -o directory."""
    if per_model is not None or shard is not None or jobs != 1:
        raise click.UsageError("--dask runs each shard as a task of its own: drop --per-model, --shard and --jobs")
    if output is None or output == "-":
        raise click.UsageError("--dask writes one file per shard: give -o DIR/ (a path or URL the workers can write)")
    from seedgen.scale.cluster import export_shards

    report = export_shards(profile, output, address=address, shards=shards, format=fmt or "jsonl", indent=indent,
                           seed=seed, counts=counts, scale=scale, settings=settings, chunk_size=chunk_size,
                           progress=None if quiet else Progress())
    if not quiet:
        print_summary(report)


@cli.command()
@plan_options
@user_errors
def plan(profile: str, seed: int | None, counts: dict[str, int], scale: float, settings: str | None) -> None:
    """Show what PROFILE would make: models in order, counts, pk ranges, every field's strategy."""
    built = api.prepare(profile, seed=seed, counts=counts, scale=scale, settings=settings)
    click.echo(f"profile {built.profile.file}  seed {built.seed}  now {built.now.isoformat()}")
    for model in built.models:
        pks = f"pk {model.pk_start}..{model.pk_stop - 1}" if model.count else "no rows"
        click.echo(f"\n{model.model._meta.label}: {model.count} rows, {pks}")
        if model.objects:
            click.echo(f"  objects: {', '.join(o.name for o in model.objects)}")
        width = max((len(f.name) for f in model.fields + model.m2m), default=0)
        for f in model.fields + model.m2m:
            click.echo(f"  {f.name.ljust(width)}  {f.describe()}")


@cli.command()
@plan_options
@click.option("--database", default="default", show_default=True, help="Django database alias.")
@click.option("--database-url", metavar="URL",
              help="postgresql://…, mysql://… or sqlite:///path; replaces the settings of --database for this run.")
@click.option("--clear", is_flag=True, help="Delete the rows of the profile's models first (same transaction).")
@click.option("--yes", "-y", "--noinput", "--no-input", "assume_yes", is_flag=True,
              help="Do not ask before --clear deletes rows.")
@click.option("--chunk-size", type=click.IntRange(min=1), help="Rows generated and inserted at a time.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes that make the rows; this one inserts them, in one transaction.")
@click.option("--shards", type=click.IntRange(min=1),
              help="Commit each model's rows in N shards, a transaction each (not all or nothing; see the README).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary.")
@user_errors
def insert(profile: str, seed: int | None, counts: dict[str, int], scale: float, settings: str | None,
           database: str, database_url: str | None, clear: bool, assume_yes: bool, chunk_size: int | None,
           jobs: int, shards: int | None, quiet: bool) -> None:
    """Insert the data of PROFILE into a database, all rows or none."""
    if clear and not assume_yes:
        try:
            click.confirm("--clear deletes every row of the profile's models. Go on?", abort=True)
        except click.Abort:
            if sys.stdin.isatty():
                raise
            # End of input: nobody there to answer.
            raise click.UsageError("--clear deletes rows, and there is no terminal to ask on; pass --yes (or --noinput)") from None
    report = api.insert(profile, database=database, database_url=database_url, clear=clear, seed=seed,
                        counts=counts, scale=scale, settings=settings, chunk_size=chunk_size,
                        progress=None if quiet else Progress(), jobs=jobs, shards=shards)
    if not quiet:
        print_summary(report)


@cli.command()
@click.option("--profile", "profile", default=str(api.BUNDLED_BLOG), type=click.Path(dir_okay=False),
              help="Profile to run (default: the bundled blog).")
@click.option("--output", default="build/demo/blog.json", show_default=True, help="Fixture to write.")
@user_errors
def demo(profile: str, output: str) -> None:
    """Migrate the demo SQLite database, fill it from PROFILE and export the same data as a fixture."""
    from seedgen.environment import DEMO_SETTINGS, setup_django

    setup_django(DEMO_SETTINGS)
    api.migrate()
    from django.conf import settings

    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    click.echo(f"database {settings.DATABASES['default']['NAME']} (migrated)", err=True)
    print_summary(api.insert(profile, clear=True))
    print_summary(api.export(profile, output, indent=2))


@cli.command()
@click.argument("app_labels", nargs=-1, metavar="[APP_LABEL]...")
@click.option("-o", "--output", default="-", show_default=True, help="Profile file to write; '-' is stdout.")
@click.option("--count", type=click.IntRange(min=0), default=10, show_default=True,
              help="Rows of each model (one-to-one models: at most their target's).")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--settings", help="Django settings module (else DJANGO_SETTINGS_MODULE, the demo's).")
@user_errors
def init(app_labels: tuple[str, ...], output: str, count: int, force: bool, settings: str | None) -> None:
    """Write a profile of the installed apps' models: a count each, in dependency order, with
    the strategy seedgen derives for every field as a comment. All apps when none is named,
    without the rows Django makes itself (content types, permissions, sessions, admin log)."""
    text = api.init_profile(app_labels, count=count, settings=settings)
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w" if force else "x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise click.ClickException(f"{output} exists; pass --force to overwrite it") from None
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--rows", type=click.IntRange(min=1), default=50, show_default=True,
              help="Rows of each model to check at most; named objects always.")
@click.option("--database", default="default", show_default=True, help="Django database alias.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed; overrides the profile's.")
@click.option("--settings", help="Django settings module (else DJANGO_SETTINGS_MODULE, the profile's, the demo's).")
@user_errors
def check(profile: str, rows: int, database: str, seed: int | None, settings: str | None) -> None:
    """Check that PROFILE makes valid rows: insert a sample in one transaction, run full_clean()
    on every row read back, report what fails and how to fix it, and roll everything back."""
    report = api.check(profile, rows=rows, database=database, seed=seed, settings=settings)
    print_check(report)
    if report.failing:
        raise click.ClickException(f"{report.failing:,} of {report.rows:,} rows fail full_clean()")


def print_check(report: CheckReport) -> None:
    from django.core.exceptions import NON_FIELD_ERRORS

    for m in report.models:
        if not m.failing:
            continue
        click.echo(f"{m.label}: {m.failing:,} of {m.rows:,} rows fail full_clean()")
        for f in m.failures:
            name = "non-field errors (the model's clean() or constraints)" if f.field == NON_FIELD_ERRORS else f.field
            click.echo(f"  {name}: {f.rows:,} rows" + (f", e.g. {f.example}" if f.example else ""))
            for message in f.messages:
                click.echo(f"    {message}")
            if f.hint:
                click.echo(f"    hint: {f.hint}")
        click.echo("")
    width = max([len(m.label) for m in report.models] + [5])
    click.echo(f"{'model'.ljust(width)}  {'rows':>10}  {'failing':>10}")
    for m in report.models:
        click.echo(f"{m.label.ljust(width)}  {m.rows:>10,}  {m.failing:>10,}")
    click.echo(f"{'total'.ljust(width)}  {report.rows:>10,}  {report.failing:>10,}")
    click.echo(f"database {report.database!r} rolled back, no row kept")


def print_notices(report: api.Report) -> None:
    for notice in report.notices:
        click.echo(f"note: {notice}", err=True)


def print_summary(report: api.Report) -> None:
    print_notices(report)
    if sys.stderr.isatty():
        print_table(report)
        return
    width = max([len(m.label) for m in report.models] + [5])
    click.echo(f"{'model'.ljust(width)}  {'rows':>10}  {'seconds':>8}  {'rows/s':>10}", err=True)
    for m in report.models:
        click.echo(f"{m.label.ljust(width)}  {m.rows:>10,}  {m.seconds:>8.2f}  {m.rate:>10,.0f}", err=True)
    click.echo(f"{'finishing'.ljust(width)}  {'':>10}  {report.closing:>8.2f}", err=True)
    click.echo(f"{'total'.ljust(width)}  {report.rows:>10,}  {report.seconds:>8.2f}", err=True)
    if report.method:
        click.echo(f"rows went in by {report.method}", err=True)
    for path in report.outputs:
        click.echo(f"wrote {path}", err=True)


def main() -> None:
    cli(prog_name="seedgen")


def print_table(report: api.Report) -> None:
    """The summary as a rich table, for a person at a terminal (plain lines go to pipes and logs)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for name, justify in (("model", "left"), ("rows", "right"), ("seconds", "right"), ("rows/s", "right")):
        table.add_column(name, justify=justify)
    for m in report.models:
        table.add_row(m.label, f"{m.rows:,}", f"{m.seconds:.2f}", f"{m.rate:,.0f}")
    table.add_row("finishing", "", f"{report.closing:.2f}", "")
    table.add_row("total", f"{report.rows:,}", f"{report.seconds:.2f}", "", style="bold")
    console = Console(stderr=True)
    console.print(table)
    if report.method:
        console.print(f"rows went in by {report.method}", highlight=False)
    for path in report.outputs:
        console.print(f"wrote {path}", highlight=False)

