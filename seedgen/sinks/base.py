"""The sink interface and the atomic output file.

A sink takes chunks in plan order: ``open(plan)``, ``write(chunk)`` many
times, then ``close()``, or ``abort()`` when anything failed. A sink never
decides a value.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import IO

from seedgen.errors import SinkError
from seedgen.generate.chunks import Chunk
from seedgen.planning import Plan

COMPRESSIONS = ("gz", "bz2", "xz", "lzma", "zip")


class Sink:
    """Where chunks go. Subclasses override the four hooks."""

    method = ""  # how a database sink puts the rows in, for the run's summary (set by ``open`` at the latest)

    def open(self, plan: Plan) -> None:
        self.plan = plan

    def write(self, chunk: Chunk) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish: the rows are kept."""

    def abort(self) -> None:
        """Give up: nothing written so far is kept."""


class Output:
    """A file written under a temporary name and renamed into place on commit.

    ``path`` of ``-`` writes to standard output (uncompressed). The
    compression comes from the suffix; gzip and zip headers carry no time so
    the bytes repeat.
    """

    def __init__(self, path: str | Path, compression: str | None = None) -> None:
        self.path = str(path)
        self.compression = compression
        self.tmp: str | None = None
        self.raw: IO[bytes] | None = None
        self.stream: IO[bytes] | None = None
        self.made_dirs: list[str] = []  # directories open() created, taken back by discard()

    @property
    def is_stdout(self) -> bool:
        return self.path == "-"

    def open(self) -> IO[bytes]:
        if self.is_stdout:
            self.stream = sys.stdout.buffer
            return self.stream
        directory = os.path.dirname(os.path.abspath(self.path))
        self.made_dirs = make_directories(directory, self.path)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot write there: {exc.strerror}") from None
        self.raw = os.fdopen(fd, "wb")
        self.stream = self._compressor(self.raw)
        return self.stream

    def _compressor(self, raw: IO[bytes]) -> IO[bytes]:
        kind = self.compression
        if kind is None:
            return io.BufferedWriter(raw, buffer_size=1 << 20) if not isinstance(raw, io.BufferedWriter) else raw
        if kind == "gz":
            return gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0)
        if kind == "bz2":
            return bz2.BZ2File(raw, "wb")
        if kind in ("xz", "lzma"):
            return lzma.LZMAFile(raw, "wb", format=lzma.FORMAT_XZ if kind == "xz" else lzma.FORMAT_ALONE)
        if kind == "zip":
            self.zip = zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED)
            inner = os.path.basename(self.path).removesuffix(".zip")
            info = zipfile.ZipInfo(inner, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            return self.zip.open(info, "w", force_zip64=True)
        raise SinkError(f"{self.path}: unknown compression {kind!r}")

    def commit(self) -> None:
        if self.is_stdout:
            self.stream.flush()
            return
        self._close_streams()
        # mkstemp makes the file private; give it the mode any new file would get.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self.tmp, 0o666 & ~mask)
        os.replace(self.tmp, self.path)
        self.tmp = None

    def discard(self) -> None:
        if self.is_stdout:
            return
        try:
            self._close_streams()
        except Exception:  # the temporary file goes whatever state its stream is in
            pass
        if self.tmp and os.path.exists(self.tmp):
            os.unlink(self.tmp)
        self.tmp = None
        remove_directories(self.made_dirs)

    def _close_streams(self) -> None:
        if self.stream is not None and self.stream is not self.raw:
            self.stream.close()
        if getattr(self, "zip", None) is not None:
            self.zip.close()
        if self.raw is not None and not self.raw.closed:
            self.raw.close()
        self.stream = self.raw = None


def make_directories(directory: str, path: str) -> list[str]:
    """Create ``directory`` and any missing parents; the ones made, deepest first, so a failed run can take them back."""
    missing = []
    while directory and not os.path.isdir(directory):
        missing.append(directory)
        directory = os.path.dirname(directory)
    try:
        for made in reversed(missing):
            os.mkdir(made)
    except OSError as exc:
        remove_directories(missing)
        raise SinkError(f"{path}: cannot create the directory {made}: {exc.strerror}") from None
    return missing


def remove_directories(made: list[str]) -> None:
    """Remove directories a run made, deepest first, where they are still empty."""
    for directory in made:
        try:
            os.rmdir(directory)
        except OSError:
            return

