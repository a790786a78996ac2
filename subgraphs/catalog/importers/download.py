"""Fetching the pinned SRD files when this machine has no copy of them.

The manifest (``srd_manifest.json`` beside this module) names, per dataset folder, the upstream
repository, the pinned commit and the folder inside it, and per file its SHA-256 and size. The
files are downloaded from ``<base URL>/<repository>/<commit>/<path>/<file>`` (the raw-file host
pattern; the base URL is configurable, ``SRD_BASE_URL``) into a staging folder of the cache,
every checksum is verified, and only then is the staging folder moved into place. A mismatch,
a missing file or an HTTP failure raises ``SrdDownloadError`` naming the file and leaves the
cache as it was, so nothing is imported from a half or tampered download. A complete cached
copy is re-verified and reused without any network access.

Regenerate the manifest from a trusted local copy with
``uv run python -m subgraphs.catalog.importers.download --write-manifest DIR``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from infra.config import var_dir
from subgraphs.catalog.importers.bundle import required_files

MANIFEST_PATH = Path(__file__).with_name("srd_manifest.json")
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
TIMEOUT_SECONDS = 30.0

# The pinned upstream of each dataset folder (see shared/srd/PROVENANCE.md).
UPSTREAMS: dict[str, dict[str, str]] = {
    "5e-database-2024": {
        "repository": "5e-bits/5e-database",
        "commit": "bfd3db4bcc31699cce703b46feb9af3f0ff08999",
        "path": "src/2024/en",
    },
    "open5e-srd-2024": {
        "repository": "open5e/open5e-api",
        "commit": "7d44bb0ef62dfe3354c5b293faff62e3d215bcf8",
        "path": "data/v2/wizards-of-the-coast/srd-2024",
    },
}


class SrdDownloadError(Exception):
    """The SRD files could not be fetched or did not match their checksums."""


@dataclass(frozen=True)
class ManifestFile:
    name: str  # "open5e-srd-2024/Spell.json"
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    upstreams: dict[str, dict[str, str]]
    files: tuple[ManifestFile, ...]

    def url(self, base_url: str, file: ManifestFile) -> str:
        folder, name = file.name.split("/", 1)
        upstream = self.upstreams[folder]
        parts = (upstream["repository"], upstream["commit"], upstream["path"], name)
        return base_url.rstrip("/") + "/" + "/".join(part.strip("/") for part in parts)

    @property
    def digest(self) -> str:
        """A short fingerprint of the pinned set: the cache folder is named after it."""
        text = json.dumps([[f.name, f.sha256] for f in self.files])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    data = json.loads(path.read_text(encoding="utf-8"))
    files = tuple(
        ManifestFile(name, entry["sha256"], entry["size"]) for name, entry in data["files"].items()
    )
    return Manifest(upstreams=data["upstreams"], files=files)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(srd_dir: Path, path: Path = MANIFEST_PATH) -> Manifest:
    """Record the checksums of every file an import reads, from a trusted local SRD copy."""
    files: dict[str, Any] = {}
    for name in required_files():
        file = srd_dir / name
        files[name] = {"sha256": sha256_of(file), "size": file.stat().st_size}
    folders = {name.split("/", 1)[0] for name in files}
    data = {"upstreams": {k: v for k, v in UPSTREAMS.items() if k in folders}, "files": files}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return load_manifest(path)


def default_cache_dir() -> Path:
    return Path(os.environ.get("SRD_CACHE_DIR") or var_dir() / "srd-cache")


def default_base_url() -> str:
    return os.environ.get("SRD_BASE_URL") or DEFAULT_BASE_URL


def _verified(folder: Path, manifest: Manifest) -> bool:
    return all(
        (folder / f.name).is_file() and sha256_of(folder / f.name) == f.sha256
        for f in manifest.files
    )


def _fetch(client: httpx.Client, url: str, file: ManifestFile, target: Path) -> None:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise SrdDownloadError(f"{file.name}: download from {url} failed ({exc})") from None
    if response.status_code != 200:
        raise SrdDownloadError(f"{file.name}: {url} answered HTTP {response.status_code}")
    got = hashlib.sha256(response.content).hexdigest()
    if got != file.sha256:
        raise SrdDownloadError(
            f"{file.name}: checksum mismatch (expected sha256 {file.sha256}, got {got}); "
            "nothing was imported"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.content)


def download_srd(
    cache_dir: Path | None = None,
    base_url: str | None = None,
    manifest: Manifest | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """A verified SRD directory in the cache, downloaded first if needed; its path."""
    manifest = manifest or load_manifest()
    cache = cache_dir or default_cache_dir()
    final = cache / f"srd-{manifest.digest}"
    if final.is_dir() and _verified(final, manifest):
        return final
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=cache))
    try:
        with httpx.Client(
            timeout=TIMEOUT_SECONDS, transport=transport, follow_redirects=True
        ) as client:
            for file in manifest.files:
                _fetch(
                    client,
                    manifest.url(base_url or default_base_url(), file),
                    file,
                    staging / file.name,
                )
        if final.exists():
            shutil.rmtree(final)  # an incomplete or altered earlier copy
        staging.rename(final)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return final


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m subgraphs.catalog.importers.download")
    parser.add_argument("--write-manifest", type=Path, metavar="SRD_DIR")
    args = parser.parse_args(argv)
    if args.write_manifest is None:
        try:
            print(download_srd())
        except SrdDownloadError as exc:
            print(f"download failed: {exc}", file=sys.stderr)
            return 1
        return 0
    manifest = write_manifest(args.write_manifest)
    print(f"wrote {MANIFEST_PATH} ({len(manifest.files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
