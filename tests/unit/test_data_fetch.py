"""`moonbase data fetch` against a local HTTP server (loopback only): resume, checksum,
offline."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from moonbase.errors import DataFetchError
from moonbase.io import data_fetch
from moonbase.io.data_fetch import Product, fetch

LABEL = b"PDS_VERSION_ID = PDS3\nEND\n"
IMAGE = bytes(range(256)) * 4096  # 1 MiB of known content


@pytest.fixture
def server(monkeypatch):
    """Serve the product files with HTTP Range support; count the bytes sent."""
    files = {"/lola/img/TEST.LBL": LABEL, "/lola/img/TEST.IMG": IMAGE}
    sent = {"bytes": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            start = 0
            if "Range" in self.headers:
                start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-"))
                if start >= len(body):
                    self.send_error(416)
                    return
                self.send_response(206)
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            sent["bytes"] += len(body) - start  # counted first: the client may finish first
            self.wfile.write(body[start:])

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    product = Product(
        "TEST", "test product", "img", {"TEST.IMG": hashlib.sha256(IMAGE).hexdigest()}
    )
    monkeypatch.setitem(data_fetch.CATALOGUE, "TEST", product)
    yield f"http://127.0.0.1:{httpd.server_port}/lola", sent
    httpd.shutdown()
    thread.join(timeout=5)


def test_fetch_downloads_checks_and_records_digests(server, tmp_path):
    base, _ = server
    seen = []
    paths = fetch(
        "TEST",
        tmp_path,
        base_url=base,
        progress=lambda name, done, total: seen.append((name, done, total)),
    )
    assert [p.name for p in paths] == ["TEST.LBL", "TEST.IMG"]
    assert (tmp_path / "TEST.IMG").read_bytes() == IMAGE
    assert (tmp_path / "TEST.IMG.sha256").read_text().startswith(hashlib.sha256(IMAGE).hexdigest())
    assert seen[-1] == ("TEST.IMG", len(IMAGE), len(IMAGE))


def test_fetch_resumes_a_partial_download(server, tmp_path):
    base, sent = server
    (tmp_path / "TEST.IMG.part").write_bytes(IMAGE[:300_000])
    fetch("TEST", tmp_path, base_url=base)
    assert (tmp_path / "TEST.IMG").read_bytes() == IMAGE
    assert sent["bytes"] == len(LABEL) + len(IMAGE) - 300_000
    assert not (tmp_path / "TEST.IMG.part").exists()


def test_a_good_file_is_not_downloaded_again(server, tmp_path):
    base, sent = server
    fetch("TEST", tmp_path, base_url=base)
    before = sent["bytes"]
    fetch("TEST", tmp_path, base_url=base)
    assert sent["bytes"] == before


def test_checksum_mismatch_is_refused(server, tmp_path, monkeypatch):
    base, _ = server
    monkeypatch.setitem(
        data_fetch.CATALOGUE, "TEST", Product("TEST", "test", "img", {"TEST.IMG": "0" * 64})
    )
    with pytest.raises(DataFetchError, match="SHA-256"):
        fetch("TEST", tmp_path, base_url=base)
    assert not (tmp_path / "TEST.IMG").exists()
    assert (tmp_path / "TEST.IMG.corrupt").exists()


def test_offline_says_so(tmp_path, server):
    _, _ = server
    # A closed port on the loopback interface: connection refused, as when offline.
    with pytest.raises(DataFetchError, match="are you offline"):
        fetch("TEST", tmp_path, base_url="http://127.0.0.1:9/lola", timeout_s=5)


def test_unknown_product():
    with pytest.raises(DataFetchError, match="unknown product; choose one of"):
        fetch("LDEM_1000", "/tmp/unused")
