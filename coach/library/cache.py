"""The parsed library, kept between runs so the coach starts without reading and checking every TOML
file again.

The cache is one pickle in the user's cache folder, named by a key made of every library file's
path, size and times (and those of the coach's own library code and of pydantic's version file, and
the Python version): a file added, removed or changed anywhere makes a new key, so the stale copy is
never read. The catalogue's index (index.py) is kept beside it under the same key. A cache that
cannot be read back as exactly that (damaged, truncated, from another version) is ignored and
rewritten; one that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths

if TYPE_CHECKING:
    from coach.library.loader import Library

FORMAT = 2  # bump when what is pickled changes shape


def key(items: Iterable[tuple[str, Path]]) -> str:
    """A digest of every (origin, file) with the file's size, modification and change times and
    inode, in order, together with the coach's library code and the versions that shape the
    pickled objects."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    code = [("code", p) for p in sorted(Path(__file__).parent.glob("*.py"))]
    for origin, path in [*code, ("pydantic", _pydantic_version_file()), *items]:
        try:
            st = path.stat()
            stamp = f"{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}"
        except OSError:
            stamp = "gone"
        digest.update(f"{origin}\0{path}\0{stamp}\n".encode())
    return digest.hexdigest()


def _pydantic_version_file() -> Path:
    """pydantic's version.py: an upgrade or a reinstall replaces it, which changes the key. Found without
    importing pydantic (the app draws its catalogue from the index without it)."""
    spec = importlib.util.find_spec("pydantic")
    origin = spec.origin if spec is not None else None
    return Path(origin).parent / "version.py" if origin else Path("pydantic-not-found")


def cached(items: list[tuple[str, Path]], build: Callable[[], Library], wanted: str | None = None) -> Library:
    """The library built from ``items`` (origin, file): from the cache when it holds exactly these
    files as they are now (``wanted``: their key, when already made), else ``build()``, which is then
    kept for next time."""
    from coach.library.loader import Library

    wanted = wanted or key(items)
    target = paths.cache() / "library.pickle"
    try:
        with target.open("rb") as f:
            stored_key, library = pickle.load(f)
        if stored_key == wanted and isinstance(library, Library):
            return library
    except Exception:  # missing, damaged, truncated or from another version: rebuilt below
        pass
    library = build()
    write_whole(target, pickle.dumps((wanted, library), protocol=pickle.HIGHEST_PROTOCOL))
    return library


def write_whole(target: Path, data: bytes) -> None:
    """Write the cache whole or not at all; a cache that cannot be written is simply not kept."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
