"""Zero-config for real Django apps: a profile of bare counts for every model of an app exports,
loads with stock loaddata, passes full_clean and inserts the same rows, on every backend.

The apps under tests/apps/ (catalog, accounts, inherit, org, fieldtypes) carry the traps of real
projects: expression, conditional and multi-field unique constraints, check constraints,
validators, one-to-one and unique foreign keys, self and mutual foreign keys, through models,
generic foreign keys, multi-table inheritance, proxies and every concrete field type.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import override_settings

from seedgen import api
from tests.conftest import BACKENDS, REPO, empty_database, ensure_database

COUNT = 12
FORMATS = ["json", "jsonl", "yaml", "xml"]
# Each app with the models it needs from outside: accounts hangs off the user model.
APPS = {"catalog": [], "accounts": ["auth.User"], "inherit": [], "org": [], "fieldtypes": [], "shapes": []}


def app_models(app: str) -> list:
    """The app's models as ``get_models`` lists them: proxies included, auto-created through tables not."""
    return list(apps.get_app_config(app).get_models())


def profile_labels(app: str) -> list[str]:
    return [*APPS[app], *(m._meta.label for m in app_models(app))]


def dump_labels(app: str) -> list[str]:
    """What dumpdata is asked for: every concrete model (dumpdata skips proxies, whose rows are their base's)."""
    return [*APPS[app], *(m._meta.label for m in app_models(app) if not m._meta.proxy)]


class Exports:
    """Each app's bare-count profile and its export in each format, made once per module.

    A failed export is not remembered: every test that needs it fails with seedgen's own error.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        self.files: dict[tuple[str, str], Path] = {}

    def profile(self, app: str) -> Path:
        path = self.directory / f"{app}.yaml"
        if not path.exists():
            path.write_text("models:\n" + "".join(f"  {label}: {COUNT}\n" for label in profile_labels(app)))
        return path

    def __call__(self, app: str, fmt: str) -> Path:
        if (app, fmt) not in self.files:
            target = self.directory / f"{app}-export.{fmt}"
            api.export(self.profile(app), target)
            self.files[app, fmt] = target
        return self.files[app, fmt]


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Exports:
    return Exports(tmp_path_factory.mktemp("breadth"))


def tables() -> list[str]:
    """Every table the tests of this module write: the profiles' models, their parents, their many-to-many tables."""
    names = []
    for app in APPS:
        for model in map(apps.get_model, profile_labels(app)):
            if not model._meta.proxy:
                names.append(model._meta.db_table)
                names += [f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many]
    return sorted(set(names))


def reset(alias: str) -> None:
    """Empty the tables this module writes, keeping the content types and permissions migrate made.

    Flushing every table of the suite, as the ``db`` fixture does before each test, takes most of a
    second on PostgreSQL; here it is done once per backend (``flushed``), then only these tables.
    """
    connection = connections[alias]
    # Foreign keys are deferred on SQLite and PostgreSQL (checked at the commit) and switched off on MariaDB.
    with transaction.atomic(using=alias), connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    # Sequences back to 1 as well, as a fresh database has them: insert takes its pk range from them.
    written = set(tables())
    sequences = [{"table": m._meta.db_table, "column": m._meta.pk.column} for m in apps.get_models()
                 if m._meta.db_table in written and m._meta.pk.get_internal_type().endswith("AutoField")]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(sql)


@pytest.fixture(scope="module")
def flushed() -> Iterator[set[str]]:
    """The backends emptied once in this module, so no row of another module's tests points at a table reset() empties."""
    aliases: set[str] = set()
    yield aliases
    for alias in aliases:
        connections[alias].close()


@pytest.fixture(params=BACKENDS)
def app_db(request, flushed) -> str:
    """The alias of an empty migrated database on each backend, content types and permissions included.

    Skips (fails with CI=true) like the ``db`` fixture when a server cannot be reached.
    """
    alias = request.param
    ensure_database(alias)
    if alias not in flushed:
        empty_database(alias)
        flushed.add(alias)
    else:
        reset(alias)
    return alias


def loaddata(alias: str, fixture: Path) -> None:
    call_command("loaddata", str(fixture), database=alias, verbosity=0)


def rows(text: str) -> dict[tuple[str, object], dict]:
    """Fixture objects keyed by (model, pk), many-to-many lists sorted.

    Sorted because PostgreSQL's dumpdata lists them in the through table's physical order.
    """
    objects = {}
    for obj in json.loads(text):
        model = apps.get_model(obj["model"])
        fields = dict(obj["fields"])
        for field in model._meta.many_to_many:
            if isinstance(fields.get(field.name), list):
                fields[field.name] = sorted(fields[field.name], key=json.dumps)
        objects[obj["model"], obj.get("pk")] = fields
    return objects


def dumped(alias: str, app: str) -> dict[tuple[str, object], dict]:
    out = io.StringIO()
    call_command("dumpdata", *dump_labels(app), format="json", database=alias, stdout=out)
    return rows(out.getvalue())


def concrete_keys(keys) -> Counter:
    """How often each (concrete model, pk) occurs: a proxy's row is its base model's row."""
    return Counter((apps.get_model(label)._meta.concrete_model._meta.label_lower, pk) for label, pk in keys)


@pytest.fixture(scope="module")
def references() -> dict[tuple[str, str], dict]:
    """(app, alias) → the rows dumpdata gives after loaddata of the app's json export, the yardstick of the other tests."""
    return {}


def reference(alias: str, app: str, exports: Exports, references: dict) -> dict:
    """The json export's rows as loaded into ``alias``: remembered from test_every_format_loads_with_loaddata[json]
    (which runs first), else loaded here and the database emptied again."""
    if (app, alias) not in references:
        reset(alias)
        loaddata(alias, exports(app, "json"))
        references[app, alias] = dumped(alias, app)
        reset(alias)
    return references[app, alias]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("app", APPS)
def test_every_format_loads_with_loaddata(app_db, exports, references, app, fmt):
    """Each format loads; json brings exactly the exported rows, and every other format the same rows as json."""
    loaddata(app_db, exports(app, fmt))
    loaded = dumped(app_db, app)
    if fmt == "json":
        objects = json.loads(exports(app, "json").read_text())
        assert concrete_keys(loaded) == concrete_keys((obj["model"], obj.get("pk")) for obj in objects)
        assert {label for label, _ in concrete_keys(loaded)} >= {m._meta.label_lower for m in app_models(app) if not m._meta.proxy}
        references[app, app_db] = loaded
    else:
        assert loaded == reference(app_db, app, exports, references)


class ReadsFrom:
    """A router sending reads to one database: validate_unique queries the default manager, which
    otherwise reads from ``default`` whatever database the row came from."""

    def __init__(self, alias: str):
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias


def validation_failures(alias: str, app: str) -> dict[str, str]:
    """Model label → the first full_clean error of its rows (validate_constraints included)."""
    failures = {}
    with override_settings(DATABASE_ROUTERS=[ReadsFrom(alias)]):
        for model in app_models(app):
            for row in model._base_manager.using(alias).order_by("pk"):
                try:
                    row.full_clean(validate_constraints=True)
                except ValidationError as exc:
                    failures[model._meta.label] = f"pk={row.pk}: {exc.message_dict}"
                    break
    return failures


@pytest.mark.parametrize("app", APPS)
def test_every_loaded_row_passes_full_clean(app_db, exports, app):
    loaddata(app_db, exports(app, "json"))
    assert [m._meta.label for m in app_models(app) if not m._base_manager.using(app_db).exists()] == []
    assert validation_failures(app_db, app) == {}


@pytest.mark.parametrize("app", APPS)
def test_insert_gives_the_same_rows_as_loaddata_of_the_export(app_db, exports, references, app):
    api.insert(exports.profile(app), database=app_db)
    inserted = dumped(app_db, app)
    assert inserted == reference(app_db, app, exports, references)


def exported(exports: Exports, app: str, label: str) -> dict[object, dict]:
    """pk → fields of the json export's objects of one model."""
    model = label.lower()
    return {pk: fields for (name, pk), fields in rows(exports(app, "json").read_text()).items() if name == model}


def test_the_department_tree_has_no_cycles(exports):
    parents = {pk: fields["parent"] for pk, fields in exported(exports, "org", "org.Department").items()}
    assert len(parents) == COUNT
    assert None in parents.values() and set(parents.values()) != {None}, f"not a tree of more than roots: {parents}"
    for start in parents:
        seen, node = [start], parents[start]
        while node is not None:
            assert node not in seen, f"department {start}: its parents loop back: {seen + [node]}"
            seen.append(node)
            node = parents[node]


# Columns whose values a table may hold once: the through models and the other multi-column unique keys;
# the lists of auto-created many-to-many tables are checked too.
PAIRS = {
    "catalog": [("catalog.Stock", ["product", "warehouse"]), ("catalog.Price", ["product", "currency", "region"])],
    "accounts": [("accounts.Membership", ["team", "user"])],
    "org": [("org.Assignment", ["project", "employee"])],
}


@pytest.mark.parametrize("app", PAIRS)
def test_through_tables_and_unique_pairs_hold_each_pair_once(exports, app):
    """Said of the export, so that a clash names the rows rather than surfacing as loaddata's IntegrityError."""
    for label, columns in PAIRS[app]:
        objects = exported(exports, app, label)
        assert objects, f"{label}: no rows"
        repeated = Counter(tuple(json.dumps(fields[c]) for c in columns) for fields in objects.values())
        assert [values for values, times in repeated.items() if times > 1] == [], f"{label}: {columns} repeated"
    for model in app_models(app):
        for field in model._meta.many_to_many:
            if not field.remote_field.through._meta.auto_created:
                continue  # the explicit through models are in PAIRS; fixtures list only the others' ids
            for pk, fields in exported(exports, app, model._meta.label).items():
                ids = fields[field.name]
                assert len(ids) == len(set(map(json.dumps, ids))), f"{model._meta.label} {pk}: {field.name} repeats an id"


def test_brand_names_ignore_case_and_each_brand_features_one_product_at_most(exports):
    """The two unique constraints MariaDB cannot enforce, so the data must."""
    names = Counter(fields["name"].lower() for fields in exported(exports, "catalog", "catalog.Brand").values())
    assert [name for name, times in names.items() if times > 1] == []
    products = exported(exports, "catalog", "catalog.Product").values()
    featured = Counter(fields["brand"] for fields in products if fields["is_featured"])
    assert [brand for brand, times in featured.items() if times > 1] == []


def test_file_paths_are_test_modules_of_the_suite(exports):
    modules = {str(p) for p in (REPO / "tests").glob("test_*.py")}
    for pk, fields in exported(exports, "fieldtypes", "fieldtypes.Sample").items():
        assert fields["file_path"] in modules, f"sample {pk}"
        assert fields["file_path_null"] is None or fields["file_path_null"] in modules, f"sample {pk}"


def test_notes_point_at_existing_departments_and_employees(app_db, exports):
    from tests.apps.org.models import Note

    loaddata(app_db, exports("org", "json"))
    notes = list(Note.objects.using(app_db).select_related("content_type"))
    assert len(notes) == COUNT
    for note in notes:
        kind = note.content_type
        assert (kind.app_label, kind.model) in {("org", "department"), ("org", "employee")}, f"note {note.pk}: {kind}"
        target = kind.model_class()._base_manager.using(app_db).filter(pk=note.object_id)
        assert target.exists(), f"note {note.pk}: no {kind.model} {note.object_id}"


def test_inserted_friendships_go_both_ways(app_db, exports):
    """loaddata adds the reverse of each symmetrical pair itself; an insert must write both rows."""
    from tests.apps.accounts.models import Profile

    api.insert(exports.profile("accounts"), database=app_db)
    pairs = set(Profile.friends.through._base_manager.using(app_db).values_list("from_profile", "to_profile"))
    assert pairs, "no friendships"
    assert {(b, a) for a, b in pairs} == pairs


@pytest.mark.parametrize("how", ["loaddata", "insert"])
def test_polymorphic_rows_read_back_as_their_own_class(app_db, exports, how):
    """django-polymorphic reads a row through its polymorphic_ctype: each must name the row's own class."""
    from tests.apps.shapes.models import Circle, Shape, Square

    if how == "loaddata":
        loaddata(app_db, exports("shapes", "json"))
    else:
        api.insert(exports.profile("shapes"), database=app_db)
    shapes = list(Shape.objects.using(app_db).order_by("pk"))
    assert {type(s) for s in shapes} == {Shape, Circle, Square}
    for shape in shapes:
        assert shape.polymorphic_ctype.model_class() is type(shape)
    assert Circle.objects.using(app_db).count() == Square.objects.using(app_db).count() == COUNT
