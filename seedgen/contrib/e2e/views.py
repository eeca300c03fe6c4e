"""The two endpoints: ``POST reset`` clears and seeds a profile's models, ``GET fixture/<name>.<format>``
streams its fixture. Each request sends ``Authorization: Bearer <token>``; every answer but a fixture is JSON.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

import seedgen
from seedgen.api import parse_count
from seedgen.contrib.e2e.config import E2EConfig, read_config
from seedgen.errors import SeedgenError, first_line, short, suggest
from seedgen.sinks import split_suffix

logger = logging.getLogger("seedgen.contrib.e2e")

RESET_KEYS = ("profile", "seed", "counts", "scale")
FIXTURE_PARAMS = ("seed", "count", "scale")
# With a compression suffix FileResponse names the type itself (application/gzip ...).
CONTENT_TYPES = {"json": "application/json", "jsonl": "application/jsonl", "yaml": "application/yaml",
                 "xml": "application/xml"}


class Refused(SeedgenError):
    """A request the service turns down; ``status`` is the HTTP status of its JSON answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def endpoint(method: str) -> Callable:
    """Around ``view(request, config, **kwargs)``: the token, the method, and every failure as a JSON answer."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def serve(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            config = read_config()
            try:
                authorize(request, config.token)
                if request.method != method:
                    refused = answer(405, f"{request.method} is not allowed here; use {method}")
                    refused["Allow"] = method
                    return refused
                return view(request, config, **kwargs)
            except Refused as exc:
                return answer(exc.status, str(exc))
            except SeedgenError as exc:  # seedgen rolled back or wrote nothing: the database is as it was
                return answer(400, str(exc))
            except Exception as exc:
                logger.exception("%s %s failed", request.method, request.path)
                return answer(500, f"{type(exc).__name__}: {first_line(exc)}; nothing was kept (the server log has the traceback)")

        # Token-authenticated, so no CSRF cookie; and seedgen's one transaction, not ATOMIC_REQUESTS' around it.
        return csrf_exempt(transaction.non_atomic_requests(serve))

    return decorate


def authorize(request: HttpRequest, token: str) -> None:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Refused(403, "no token: send the header 'Authorization: Bearer <SEEDGEN_E2E['TOKEN']>'")
    # As bytes: compare_digest takes str only when it is ASCII, and a header may be anything.
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Refused(403, "wrong token: send SEEDGEN_E2E['TOKEN'] as 'Authorization: Bearer <token>'")


@endpoint("POST")
def reset(request: HttpRequest, config: E2EConfig) -> HttpResponse:
    """Delete the rows of the profile's models and seed them, in one transaction; the named objects' pks."""
    body = reset_body(request.body)
    report = seedgen.insert(profile_path(config, body.get("profile")), database=config.database, clear=True,
                            seed=whole_seed(body.get("seed")), counts=json_counts(body.get("counts")),
                            scale=number_scale(body.get("scale", 1.0)))
    return JsonResponse({
        "objects": {name: {"model": label, "pk": pk} for name, (label, pk) in report.objects.items()},
        "rows": report.rows,
        "models": {model.label: model.rows for model in report.models},
    })


@endpoint("GET")
def fixture(request: HttpRequest, config: E2EConfig, filename: str) -> HttpResponse:
    """The profile's fixture as ``seedgen export`` writes it; ``?seed=7&count=blog.Post=10&scale=2``."""
    name, fmt, compression = fixture_name(filename)
    path = profile_path(config, name)
    for key in request.GET:
        if key not in FIXTURE_PARAMS:
            raise Refused(400, f"unknown query parameter {key!r}{suggest(key, FIXTURE_PARAMS)}; "
                               f"use {', '.join(FIXTURE_PARAMS)}")
    seed = whole_seed(text_number(request.GET["seed"], "seed", int)) if "seed" in request.GET else None
    scale = number_scale(text_number(request.GET["scale"], "scale", float)) if "scale" in request.GET else 1.0
    try:
        counts = dict(parse_count(item) for item in request.GET.getlist("count"))
    except ValueError as exc:
        raise Refused(400, f"count: {exc}") from None
    directory = tempfile.mkdtemp(prefix="seedgen-e2e-")
    try:
        target = os.path.join(directory, filename)
        seedgen.export(path, target, seed=seed, counts=counts, scale=scale)
        stream = open(target, "rb")  # FileResponse closes it when the response ends
    finally:
        # The open file outlives its name (POSIX): the fixture is read from disk block by block,
        # never held in memory whole, and nothing is left behind however the response ends.
        shutil.rmtree(directory)
    return FileResponse(stream, filename=filename, content_type=None if compression else CONTENT_TYPES[fmt])


def fixture_name(filename: str) -> tuple[str, str, str | None]:
    """``blog.jsonl`` -> ("blog", "jsonl", None); ``blog.json.gz`` -> ("blog", "json", "gz")."""
    fmt, compression = split_suffix(filename)
    parts = filename.split(".")
    if fmt is None or len(parts) != (3 if compression else 2):
        raise Refused(400, f"{short(filename)}: name the fixture <profile>.<format>, a format of json, jsonl, "
                           "yaml or xml, optionally compressed (.gz, .bz2, .xz, .lzma, .zip)")
    return parts[0], fmt, compression


def profile_path(config: E2EConfig, name: Any) -> Path:
    allowed = ", ".join(config.profiles)
    if not isinstance(name, str) or not name:
        raise Refused(400, f"name a profile, one of {allowed}")
    if name not in config.profiles:
        raise Refused(400, f"profile {short(name)!r} is not in SEEDGEN_E2E['PROFILES']{suggest(name, config.profiles)}; "
                           f"choose one of {allowed}")
    return config.profiles[name]


def reset_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise Refused(400, f"the body is not JSON ({exc}); send an object such as {{\"profile\": \"blog\", \"seed\": 7}}") from None
    if not isinstance(body, dict):
        raise Refused(400, f"the body must be a JSON object such as {{\"profile\": \"blog\"}}, got {shown(body)}")
    for key in body:
        if key not in RESET_KEYS:
            raise Refused(400, f"unknown key {short(key)!r}{suggest(key, RESET_KEYS)}; the keys are {', '.join(RESET_KEYS)}")
    return body


def shown(value: Any) -> str:
    """A value of the request as JSON writes it, so that "7" and 7 look different."""
    return short(json.dumps(value, default=str))


def text_number(text: str, key: str, kind: type[int] | type[float]) -> int | float:
    """A query parameter as a number; a JSON body's numbers arrive as numbers already."""
    try:
        return kind(text)
    except ValueError:
        raise Refused(400, f"{key} must be a {'whole ' if kind is int else ''}number, got {short(text)!r}") from None


def whole_seed(seed: Any) -> int | None:
    """None keeps the profile's own seed."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise Refused(400, f"seed must be a whole number >= 0, got {shown(seed)}")
    return seed


def json_counts(counts: Any) -> dict[str, int]:
    if counts is None:
        return {}
    if not isinstance(counts, dict):
        raise Refused(400, f"counts must map a model label to a row count, e.g. {{\"blog.Post\": 10}}, got {shown(counts)}")
    for label, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise Refused(400, f"counts: {short(label)}: a count must be a whole number >= 0, got {shown(count)}")
    return counts


def number_scale(scale: Any) -> float:
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale) or scale < 0:
        raise Refused(400, f"scale must be a number >= 0, got {shown(scale)}")
    return float(scale)
