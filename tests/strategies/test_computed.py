"""expr, copy, sum and ref each: values computed from the row, the row it points at and the rows
pointing at it; and the mistakes in them, each one line before any value is made."""

from __future__ import annotations

import decimal

import pytest

from seedgen import api
from seedgen.errors import PlanError, ProfileError
from seedgen.planning import build_plan
from seedgen.profile import parse_profile
from seedgen.sinks.memory import MemorySink

SHOP = """
seed: 5
models:
  shop.Customer: 20
  shop.Product:
    count: 30
    fields:
      price: {decimal: [1, 50]}
  shop.Order:
    count: 40
    fields:
      total: {sum: shop.OrderLine.subtotal}
  shop.OrderLine:
    fields:
      order: {ref: shop.Order, each: [0, 3]}
      quantity: {int: [1, 9]}
      unit_price: {copy: product.price}
      subtotal: {expr: "quantity * unit_price - min(quantity, 2)"}
"""


def made(text: str, **kwargs) -> MemorySink:
    sink = MemorySink()
    api.run(build_plan(parse_profile(text, "p.yaml"), **kwargs), sink)
    return sink


def error_of(text: str) -> str:
    with pytest.raises((ProfileError, PlanError)) as info:
        made(text)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_each_lays_rows_out_per_target_and_sum_adds_them_up():
    sink = made(SHOP)
    lines, orders = sink.rows("shop.OrderLine"), sink.rows("shop.Order")
    prices = {r["id"]: r["price"] for r in sink.rows("shop.Product")} if "id" in sink.rows("shop.Product")[0] else None
    by_order: dict[int, list] = {}
    for line in lines:
        by_order.setdefault(line["order"], []).append(line)
        assert line["subtotal"] == line["quantity"] * line["unit_price"] - min(line["quantity"], 2)
        assert line["subtotal"].as_tuple().exponent == -2
    assert [line["order"] for line in lines] == sorted(line["order"] for line in lines)  # laid out order by order
    assert all(0 <= len(v) <= 3 for v in by_order.values()) and any(len(v) == 0 for v in [by_order.get(o, []) for o in range(1, 41)])
    for pk, order in enumerate(orders, start=1):
        assert order["total"] == sum((line["subtotal"] for line in by_order.get(pk, [])), decimal.Decimal(0))
    assert prices is None or all(line["unit_price"] == prices[line["product"]] for line in lines)


def test_copy_takes_the_value_of_the_row_a_key_points_at():
    sink = made(SHOP)
    products = sink.rows("shop.Product")
    pk_of = {i + 1: p["price"] for i, p in enumerate(products)}
    assert all(line["unit_price"] == pk_of[line["product"]] for line in sink.rows("shop.OrderLine"))


def test_the_count_of_an_each_model_follows_the_seed_and_its_targets():
    small = build_plan(parse_profile(SHOP, "p.yaml")).model("shop.OrderLine").count
    other_seed = build_plan(parse_profile(SHOP, "p.yaml"), seed=6).model("shop.OrderLine").count
    scaled = build_plan(parse_profile(SHOP, "p.yaml"), scale=10).model("shop.OrderLine").count
    assert 0 < small <= 120 and small != other_seed and scaled > 5 * small


@pytest.mark.parametrize(("change", "message"), [
    ('subtotal: {expr: "quantity ** 2"}', "expr takes arithmetic over the row's fields"),
    ('subtotal: {expr: "__import__(1)"}', "expr takes arithmetic over the row's fields"),
    ('subtotal: {expr: "quantity * nothing"}', "refers to unknown field 'nothing'"),
    ("unit_price: {copy: quantity.price}", "copy: quantity is not a foreign key seedgen fills with ref"),
    ("unit_price: {copy: product.weight}", "copy: shop.Product has no field 'weight'"),
    ("unit_price: {copy: price}", "copy takes <foreign key>.<field of its target>"),
    ("order: {ref: shop.Order, each: [3, 1]}", "ref each is [min, max]"),
    ("order: {ref: shop.Order, each: [1, 2], count: [1, 2]}", "ref each does not go with count"),
])
def test_mistakes_in_computed_values_are_one_line(change, message):
    name = change.split(":")[0]
    lines = [line for line in SHOP.splitlines() if not line.strip().startswith(name + ":")]
    text = "\n".join(lines) + f"\n      {change}\n"
    assert message in error_of(text)


def test_sum_needs_rows_laid_out_by_ref_each():
    text = SHOP.replace("      order: {ref: shop.Order, each: [0, 3]}\n", "").replace("  shop.OrderLine:\n", "  shop.OrderLine:\n    count: 50\n")
    assert "sum: no field of shop.OrderLine points here with ref each" in error_of(text)


def test_an_each_model_takes_no_count_of_its_own():
    text = SHOP.replace("  shop.OrderLine:\n", "  shop.OrderLine:\n    count: 50\n")
    assert "the count follows from ref each; drop the count of shop.OrderLine" in error_of(text)


def test_from_builds_values_of_the_rows_own_names():
    sink = made("models:\n  shop.Customer:\n    count: 300\n    fields:\n"
                "      first_name: {choice: [Jürgen, Zoë]}\n      last_name: {choice: [Groß, O'Brien]}\n"
                "      email: {faker: email, from: [first_name, last_name], unique: true}\n"
                "      city: {faker: name, from: [first_name, last_name]}\n")
    rows = sink.rows("shop.Customer")
    assert len({r["email"] for r in rows}) == 300
    assert all(("jurgen" in r["email"] or "zoe" in r["email"] or "gross" in r["email"] or "obrien" in r["email"])
               and r["email"].isascii() for r in rows)
    assert all(r["city"] == f"{r['first_name']} {r['last_name']}" for r in rows)


@pytest.mark.parametrize(("spec", "message"), [
    ("{faker: email, from: first_name}", "from takes one or two fields of the row"),
    ("{faker: city, from: [first_name]}", "from works with faker email"),
])
def test_mistakes_in_from_are_one_line(spec, message):
    assert message in error_of(f"models:\n  shop.Customer:\n    count: 3\n    fields:\n      email: {spec}\n")


def test_weighted_locales_and_their_mistakes():
    rows = made("locale: {de_DE: 1, fr_FR: 1}\nmodels:\n  shop.Customer: 400\n").rows("shop.Customer")
    german = sum(r["email"].endswith(".de") for r in rows)
    assert 100 < german < 300
    assert "locale is a Faker locale" in error_of("locale: {de_DE: -1}\nmodels:\n  shop.Customer: 3\n")
    assert "unknown Faker locale 'xx_YY'" in error_of("locale: [de_DE, xx_YY]\nmodels:\n  shop.Customer: 3\n")
