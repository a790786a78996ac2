"""The explorer's files, served by the router itself: no CDN, so GraphiQL works offline.

``router/explorer/vendor/`` holds GraphiQL, React, React DOM and the graphql-ws client exactly as
their npm packages ship them, with their licences, and ``SHA256SUMS`` of each file; the versions
and the registry's integrity digests are in ``manifest.json``. ``router/explorer/explorer.js`` is
ours: it starts GraphiQL with a fetcher that sends queries and mutations over HTTP and
subscriptions over graphql-transport-ws, with the headers of GraphiQL's *Headers* tab.

The files are committed, so ``make run`` needs no Node.js. To move to other versions, edit
``manifest.json`` (version and ``npm view NAME@VERSION dist.integrity``) and run::

    uv run python -m router.explorer_assets --refresh

which fetches each tarball with ``npm pack``, checks it against the integrity digest, copies the
listed files and rewrites ``SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

EXPLORER_DIR = Path(__file__).resolve().parent / "explorer"
VENDOR_DIR = EXPLORER_DIR / "vendor"
MANIFEST = VENDOR_DIR / "manifest.json"
SUMS = VENDOR_DIR / "SHA256SUMS"
PREFIX = "/explorer"  # where the page finds them: /explorer/graphiql.min.js, ...


def manifest() -> dict[str, Any]:
    packages: dict[str, Any] = json.loads(MANIFEST.read_text())["packages"]
    return packages


def vendored_files() -> list[str]:
    return sorted(name for package in manifest().values() for name in package["files"].values())


def sha256_sums() -> str:
    lines = [f"{hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest()}  {name}"
             for name in vendored_files()]
    return "\n".join(lines) + "\n"


class _ExplorerFiles(StaticFiles):
    """The explorer's files; they change only with a new router, so browsers may keep them."""

    def file_response(self, *args: Any, **kwargs: Any) -> Any:
        response = super().file_response(*args, **kwargs)
        response.headers.setdefault("cache-control", "public, max-age=3600")
        return response


def explorer_routes() -> list[Mount]:
    return [
        Mount(f"{PREFIX}/vendor", app=_ExplorerFiles(directory=VENDOR_DIR)),
        Mount(PREFIX, app=_ExplorerFiles(directory=EXPLORER_DIR)),
    ]


def _integrity(data: bytes, expected: str) -> bool:
    algorithm, _, digest = expected.partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest


def refresh() -> None:
    """Copy every listed file out of its npm tarball (checked against its integrity)."""
    with tempfile.TemporaryDirectory() as scratch:
        for name, package in manifest().items():
            spec = f"{name}@{package['version']}"
            packed = subprocess.run(["npm", "pack", spec, "--silent"], cwd=scratch, check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()
            data = (Path(scratch) / packed[-1]).read_bytes()
            if not _integrity(data, package["integrity"]):
                raise SystemExit(f"{spec}: the tarball does not match its integrity digest")
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
                for source, target in package["files"].items():
                    member = archive.extractfile(f"package/{source}")
                    if member is None:
                        raise SystemExit(f"{spec} has no {source}")
                    (VENDOR_DIR / target).write_bytes(member.read())
            print(f"vendored {spec}")
    SUMS.write_text(sha256_sums())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", action="store_true",
                        help="fetch the packages with npm and copy their files again")
    args = parser.parse_args()
    if args.refresh:
        refresh()
    else:
        print(sha256_sums(), end="")


if __name__ == "__main__":
    main()
