"""``manage.py create_sample_data``: the fixtures guide's command, made seeded, bulk and atomic.

Without ``--profile`` it runs the bundled blog profile; ``--posts``,
``--users``, ``--categories`` and ``--tags`` set its counts as the guide's
flags did.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from seedgen import api
from seedgen.errors import Interrupted, SeedgenError
from seedgen.management.commands.export_fixture import parse_count
from seedgen.progress import Progress

SHORTCUTS = {"posts": "blog.Post", "users": "auth.User", "categories": "blog.Category", "tags": "blog.Tag"}


class Command(BaseCommand):
    help = "Fill the database with seeded sample data from a seedgen profile (default: the blog)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--profile", default=str(api.BUNDLED_BLOG), help="YAML profile (default: the bundled blog).")
        for flag, label in SHORTCUTS.items():
            parser.add_argument(f"--{flag}", type=int, help=f"Number of {label} rows.")
        parser.add_argument("--clear", action="store_true", help="Delete the profile's models' rows first.")
        parser.add_argument("--noinput", "--no-input", "--yes", action="store_false", dest="interactive",
                            help="Do not ask before --clear deletes rows.")
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument("--database-url", metavar="URL",
                            help="postgresql://…, mysql://… or sqlite:///path; replaces the settings of --database.")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--count", action="append", default=[], type=parse_count, metavar="LABEL=N")
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, **options) -> None:
        counts = dict(options["count"])
        for flag, label in SHORTCUTS.items():
            if options[flag] is not None:
                if options[flag] < 0:
                    raise CommandError(f"--{flag} must not be negative")
                counts[label] = options[flag]
        if options["clear"] and options["interactive"]:
            try:
                answer = input("--clear deletes every row of the profile's models. Type 'yes' to go on: ")
            except EOFError:  # nobody there to answer
                raise CommandError("--clear deletes rows, and there is no terminal to ask on; pass --noinput (or --yes)") from None
            if answer.strip().lower() != "yes":
                raise CommandError("nothing was changed")
        progress = Progress() if options["verbosity"] > 0 else None  # standard error, on a terminal only
        try:
            report = api.insert(options["profile"], database=options["database"], database_url=options["database_url"],
                                clear=options["clear"], seed=options["seed"], counts=counts, scale=options["scale"],
                                progress=progress)
        except Interrupted as exc:
            raise CommandError(str(exc), returncode=exc.exit_code) from None
        except SeedgenError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            raise CommandError("interrupted: nothing was written", returncode=130) from None
        if options["verbosity"] > 0:
            for model in report.models:
                self.stdout.write(f"Created {model.rows:,} {model.label} rows in {model.seconds:.2f}s ({model.rate:,.0f} rows/s)")
            how = f" by {report.method}" if report.method else ""
            self.stdout.write(self.style.SUCCESS(f"Created {report.rows:,} rows in {report.seconds:.2f}s{how}"))
