"""A Databricks workspace on localhost that answers the calls `fitlake deploy` makes through databricks-sdk.

Paths and payloads are the ones the installed SDK sends (databricks/sdk/config.py, service/jobs.py,
service/workspace.py): GET /.well-known/databricks-config (host metadata), GET /api/2.2/jobs/list,
POST /api/2.2/jobs/create and /api/2.2/jobs/reset, POST /api/2.0/workspace/mkdirs and the multipart
POST /api/2.0/workspace/import. Anything else is answered 404 and recorded, so a test sees it.
"""

from __future__ import annotations

import json
import threading
from email import message_from_bytes
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeWorkspace(ThreadingHTTPServer):
    def __init__(self, token: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token = token
        self.jobs: dict[int, dict] = {}
        self.folders: set[str] = {"/"}
        self.files: dict[str, bytes] = {}
        self.calls: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeWorkspace:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeWorkspace

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str) -> None:
        self._reply(status, {"error_code": code, "message": message})

    def _authorised(self, method: str, path: str) -> bool:
        self.server.calls.append((method, path))
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            self._error(401, "UNAUTHENTICATED", "bad token")
            return False
        return True

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/.well-known/databricks-config":  # the SDK's unauthenticated discovery probe
            self.server.calls.append(("GET", url.path))
            return self._reply(200, {"oidc_endpoint": f"{self.server.host}/oidc", "workspace_id": "1234"})
        if not self._authorised("GET", url.path):
            return
        if url.path != "/api/2.2/jobs/list":
            return self._error(404, "ENDPOINT_NOT_FOUND", f"no GET {url.path}")
        name = parse_qs(url.query).get("name", [None])[0]
        jobs = [
            {"job_id": job_id, "settings": settings}
            for job_id, settings in sorted(self.server.jobs.items())
            if name is None or settings["name"].lower() == name.lower()
        ]
        self._reply(200, {"jobs": jobs} if jobs else {})

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        if not self._authorised("POST", path):
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if path == "/api/2.0/workspace/import":
            return self._import(body)
        payload = json.loads(body or b"{}")
        if path == "/api/2.2/jobs/create":
            job_id = max(self.server.jobs, default=100) + 1
            self.server.jobs[job_id] = payload
            return self._reply(200, {"job_id": job_id})
        if path == "/api/2.2/jobs/reset":
            if payload["job_id"] not in self.server.jobs:
                return self._error(400, "INVALID_PARAMETER_VALUE", f"Job {payload['job_id']} does not exist.")
            self.server.jobs[payload["job_id"]] = payload["new_settings"]
            return self._reply(200, {})
        if path == "/api/2.0/workspace/mkdirs":
            parts = payload["path"].rstrip("/").split("/")
            self.server.folders.update("/".join(parts[:i]) or "/" for i in range(1, len(parts) + 1))
            return self._reply(200, {})
        self._error(404, "ENDPOINT_NOT_FOUND", f"no POST {path}")

    def _import(self, body: bytes) -> None:
        header = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message_from_bytes(header + body, policy=HTTP).iter_parts()
        }
        path = fields["path"].decode()
        if path.rsplit("/", 1)[0] not in self.server.folders:
            return self._error(404, "RESOURCE_DOES_NOT_EXIST", f"The parent folder of {path} does not exist.")
        if path in self.server.files and fields.get("overwrite") != b"true":
            return self._error(400, "RESOURCE_ALREADY_EXISTS", f"{path} already exists.")
        self.server.files[path] = fields["content"]
        self._reply(200, {})
