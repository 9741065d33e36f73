"""Fetch named LOLA products from the PDS archive: resumable, checked, with progress.

Only this explicit command downloads; nothing is fetched while a scenario runs.
Downloads go to ``NAME.part`` and resume from where they stopped (HTTP Range); the
finished file is checked against its published SHA-256 where one is known, and the
digest is written beside it (``NAME.sha256``), before it is renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moonbase.errors import DataFetchError

PDS_LOLA_GDR = "https://pds-geosciences.wustl.edu/lro/lro-l-lola-3-rdr-v1/lrolol_1xxx/data/lola_gdr"
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Product:
    """A named LOLA gridded product: its label and image, and known digests."""

    name: str
    description: str
    folder: str
    sha256: dict[str, str]

    def urls(self, base: str = PDS_LOLA_GDR) -> dict[str, str]:
        """Return the URL of each file of the product (label first)."""
        return {
            f"{self.name}.{ext}": f"{base}/{self.folder}/{self.name}.{ext}"
            for ext in ("LBL", "IMG")
        }


#: Digests of LDEM_4 and LDEM_16 as published with the shared test data.
CATALOGUE = {
    product.name: product
    for product in (
        Product(
            "LDEM_4",
            "global, 1/4 deg (7.6 km), 2 MB",
            "cylindrical/img",
            {"LDEM_4.IMG": "e1de65b2fbdaf97dbf9c5582c0199e74f1b3e197d4f950fb743bb4f0f406e3c5"},
        ),
        Product(
            "LDEM_16",
            "global, 1/16 deg (1.9 km), 33 MB",
            "cylindrical/img",
            {"LDEM_16.IMG": "84db3e58bcb5c6631bf2f0c1953df5ef55212f5a5f8145760fd188802f1870ed"},
        ),
        Product("LDEM_64", "global, 1/64 deg (474 m), 530 MB", "cylindrical/img", {}),
        Product("LDEM_80S_20M", "south polar stereographic 80-90 S, 20 m, 1.6 GB", "polar/img", {}),
        Product(
            "LDEM_875S_5M", "south polar stereographic 87.5-90 S, 5 m, 1.5 GB", "polar/img", {}
        ),
    )
}

Progress = Callable[[str, int, int | None], None]  # (file name, bytes so far, total or None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(name: str, url: str, target: Path, progress: Progress | None, timeout_s: float):
    part = target.with_name(target.name + ".part")
    done = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={done}-"} if done else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as error:
        if error.code == 416 and done:  # the part file is already complete
            part.replace(target)
            return
        raise DataFetchError(name, f"{url} answered HTTP {error.code} {error.reason}") from None
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DataFetchError(
            name,
            f"cannot reach {url} ({reason}); are you offline? The partial download "
            f"(if any) is kept in {part} and the next fetch resumes it",
        ) from None
    with response:
        if done and response.status != 206:  # the server ignored Range: start again
            done = 0
        length = response.headers.get("Content-Length")
        total = done + int(length) if length is not None else None
        try:
            with part.open("ab" if done else "wb") as handle:
                while block := response.read(CHUNK_BYTES):
                    handle.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(target.name, done, total)
        except OSError as error:
            raise DataFetchError(
                name,
                f"the download of {url} broke off ({error}); "
                f"{done} bytes kept in {part}, fetch again to resume",
            ) from None
    if total is not None and done < total:
        raise DataFetchError(
            name,
            f"{url} ended after {done} of {total} bytes; kept in {part}, fetch again to resume",
        )
    part.replace(target)


def fetch(
    name: str,
    destination: str | Path,
    *,
    base_url: str = PDS_LOLA_GDR,
    progress: Progress | None = None,
    timeout_s: float = 30.0,
) -> list[Path]:
    """Download a catalogued product's label and image into ``destination``.

    Files already present and matching their digest are kept. Raises
    :class:`DataFetchError` (offline, HTTP error, checksum mismatch, unknown name).
    """
    if name not in CATALOGUE:
        raise DataFetchError(name, f"unknown product; choose one of {', '.join(CATALOGUE)}")
    product = CATALOGUE[name]
    folder = Path(destination)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, url in product.urls(base_url).items():
        target = folder / file_name
        expected = product.sha256.get(file_name)
        if not (target.exists() and (expected is None or _sha256(target) == expected)):
            _download(name, url, target, progress, timeout_s)
        actual = _sha256(target)
        if expected is not None and actual != expected:
            bad = target.with_name(target.name + ".corrupt")
            os.replace(target, bad)
            raise DataFetchError(
                name,
                f"{file_name} has SHA-256 {actual}, expected {expected}; "
                f"moved aside to {bad}, fetch again",
            )
        target.with_name(target.name + ".sha256").write_text(f"{actual}  {file_name}\n")
        written.append(target)
    return written
