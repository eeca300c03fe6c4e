"""Sample data that looks real, measured over at least 10,000 rows: rows agree with themselves,
moments are in order, numbers are plausible, text is clean, and relations are skewed."""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import json
import statistics

import pytest

from seedgen import api
from seedgen.strategies.names import ascii_word
from tests.conftest import PROFILES

BARE = """
seed: 3
models:
  auth.User: 10000
  blog.Category: 50
  blog.Tag: 200
  blog.Post: 12000
  catalog.Product: 10000
  catalog.Sale: 10000
  inherit.Place: 2000
  inherit.Restaurant: 8000
"""


def objects(path) -> dict[str, list[dict]]:
    by_model = collections.defaultdict(list)
    with open(path, encoding="utf-8") as file:
        for line in file:
            obj = json.loads(line)
            by_model[obj["model"]].append({"pk": obj.get("pk"), **obj["fields"]})
    return by_model


def moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> dict[str, list[dict]]:
    folder = tmp_path_factory.mktemp("bare")
    (folder / "bare.yaml").write_text(BARE)
    api.export(folder / "bare.yaml", folder / "bare.jsonl")
    return objects(folder / "bare.jsonl")


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("shop") / "shop.jsonl"
    api.export(PROFILES / "shop.yaml", out, scale=2.5)
    return objects(out)


@pytest.fixture(scope="module")
def blog(tmp_path_factory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("blog") / "blog.jsonl"
    api.export(PROFILES / "blog.yaml", out, counts={"blog.Post": 10000, "auth.User": 100})
    return objects(out)


def top_fifth_share(keys: list) -> float:
    """The share of the rows that the most frequent fifth of the referenced rows hold."""
    counts = sorted(collections.Counter(keys).values(), reverse=True)
    return sum(counts[: max(1, len(counts) // 5)]) / len(keys)


def test_a_bare_user_is_one_person_whose_email_and_username_come_from_their_name(bare):
    users = bare["auth.user"]
    assert len(users) == 10000
    named = [u for u in users if ascii_word(u["first_name"]) in u["email"] or ascii_word(u["last_name"]) in u["email"]]
    assert len(named) / len(users) >= 0.95
    by_username = [u for u in users if ascii_word(u["first_name"])[:1] in u["username"] and (
        ascii_word(u["first_name"]) in u["username"] or ascii_word(u["last_name"]) in u["username"])]
    assert len(by_username) / len(users) >= 0.95
    assert len({u["username"] for u in users}) == len(users)


def test_bare_moments_spread_and_come_in_order(bare):
    users = bare["auth.user"]
    assert len({u["date_joined"] for u in users}) / len(users) >= 0.95
    assert all(u["last_login"] is None or moment(u["last_login"]) >= moment(u["date_joined"]) for u in users)
    sales = bare["catalog.sale"]
    assert len(sales) == 10000 and all(moment(s["ends_at"]) >= moment(s["starts_at"]) for s in sales)
    places = bare["inherit.place"]
    assert len(places) == 10000
    assert all(moment(p["updated_at"]) >= moment(p["created_at"]) for p in places)
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert all(moment(p["updated_at"]) <= now for p in places)


def test_bare_text_is_cut_at_words_with_no_space_at_either_end(bare):
    texts = [value for rows in bare.values() for row in rows for value in row.values() if isinstance(value, str)]
    assert len(texts) > 100000
    assert all(t == t.strip() for t in texts)
    titles = [p["title"] for p in bare["blog.post"]]
    assert not any(t.endswith(".") for t in titles)
    assert all(p["content"].endswith(".") for p in bare["blog.post"])


def test_bare_numbers_are_plausible_for_their_names(bare):
    prices = [decimal.Decimal(p["price"]) for p in bare["catalog.product"]]
    assert min(prices) >= 1 and max(prices) <= 500
    assert statistics.median(prices) < 100  # most prices are small, a few are high
    assert all(p.as_tuple().exponent == -2 for p in prices) and any(p % 1 for p in prices)
    views = [p["view_count"] for p in bare["blog.post"]]
    assert statistics.median(views) < 1000 < max(views)  # long-tailed: most small, a few huge


def test_bare_relations_are_skewed_by_default(bare):
    posts = bare["blog.post"]
    assert top_fifth_share([p["author"] for p in posts]) >= 0.40
    tags = [t for p in posts for t in p["tags"]]
    assert top_fifth_share(tags) >= 0.40
    assert all(len(set(p["tags"])) == len(p["tags"]) for p in posts)


def test_uniform_keeps_references_even(tmp_path):
    profile = tmp_path / "even.yaml"
    profile.write_text("models:\n  auth.User: 100\n  blog.Category: 5\n  blog.Tag: 10\n"
                       "  blog.Post:\n    count: 10000\n    fields:\n      author: {ref: auth.User, distribution: uniform}\n")
    api.export(profile, tmp_path / "even.jsonl")
    posts = objects(tmp_path / "even.jsonl")["blog.post"]
    assert top_fifth_share([p["author"] for p in posts]) < 0.25


def test_the_blog_profile_publishes_after_creating_and_skews_authors(blog):
    posts = blog["blog.post"]
    assert len(posts) == 10000
    published = [p for p in posts if p["published_at"] is not None]
    assert published and all(moment(p["published_at"]) >= moment(p["created_at"]) for p in published)
    assert top_fifth_share([p["author"] for p in posts]) >= 0.40


def test_in_the_shop_money_adds_up_and_orders_ship_after_they_are_placed(shop):
    orders, lines, products = shop["shop.order"], shop["shop.orderline"], shop["shop.product"]
    assert len(orders) + len(lines) >= 10000
    price = {p["pk"]: decimal.Decimal(p["price"]) for p in products}
    by_order = collections.defaultdict(list)
    for line in lines:
        assert decimal.Decimal(line["unit_price"]) == price[line["product"]]
        assert decimal.Decimal(line["subtotal"]) == line["quantity"] * decimal.Decimal(line["unit_price"])
        by_order[line["order"]].append(decimal.Decimal(line["subtotal"]))
    assert all(1 <= len(by_order[o["pk"]]) <= 5 for o in orders)
    assert all(decimal.Decimal(o["total"]) == sum(by_order[o["pk"]]) for o in orders)
    shipped = [o for o in orders if o["shipped_at"] is not None]
    assert shipped and all(o["status"] in ("shipped", "delivered") for o in shipped)
    assert all(dt.timedelta(0) <= moment(o["shipped_at"]) - moment(o["ordered_at"]) <= dt.timedelta(days=5) for o in shipped)
    assert top_fifth_share([o["customer"] for o in orders]) >= 0.40
    assert top_fifth_share([r["product"] for r in shop["shop.review"]]) >= 0.40


def test_a_shop_customer_is_of_one_locale(shop):
    customers = shop["shop.customer"]
    german = [c for c in customers if c["email"].endswith(".de")]
    french = [c for c in customers if c["email"].endswith(".fr")]
    assert german and french
    assert all(c["phone"].startswith(("+49", "0")) or "(0" in c["phone"] for c in german)
    assert {c["country"] for c in german} == {"Germany"} and {c["country"] for c in french} == {"France"}
    assert all(ascii_word(c["first_name"]) in c["email"] or ascii_word(c["last_name"]) in c["email"] for c in customers)


@pytest.mark.parametrize("chunk_size", [1, 7, 1000])
def test_computed_and_skewed_columns_do_not_depend_on_chunks(tmp_path, chunk_size):
    whole, parts = tmp_path / "whole.jsonl", tmp_path / "parts.jsonl"
    api.export(PROFILES / "shop.yaml", whole, scale=0.1)
    api.export(PROFILES / "shop.yaml", parts, scale=0.1, chunk_size=chunk_size)
    assert whole.read_bytes() == parts.read_bytes()


def test_the_shop_goes_into_every_database_whole_valid_and_adding_up(db):
    from django.db.models import F

    from seedgen.demo.shop.models import Order, OrderLine

    checked = api.check(PROFILES / "shop.yaml", rows=100, database=db)  # full_clean() on a sample, rolled back
    assert checked.rows > 0 and checked.failing == 0
    report = api.insert(PROFILES / "shop.yaml", database=db, scale=0.1)
    assert report.rows > 900
    sums = collections.defaultdict(decimal.Decimal)
    for order, subtotal in OrderLine.objects.using(db).values_list("order", "subtotal"):
        sums[order] += subtotal  # in Python: SQLite sums decimals as floats
    totals = dict(Order.objects.using(db).values_list("pk", "total"))
    assert len(totals) == 200 and totals == sums
    assert not Order.objects.using(db).filter(shipped_at__lt=F("ordered_at")).exists()
