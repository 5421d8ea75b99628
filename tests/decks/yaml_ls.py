"""A minimal Language Server Protocol client for the real yaml-language-server.

VS Code's YAML extension runs yaml-language-server; these tests run the same server (npm
package `yaml-language-server`, installed once per test session into a temporary folder when
node and npm are on the PATH) and ask it what an author would see: diagnostics after opening a
deck, completion items at a place in it. Only the few messages these tests need are spoken.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

VERSION = "1.25.0"  # pinned: the server's messages are what the tests read
WAIT = 60.0  # seconds for one answer; only a hung server ever waits this long


def install(folder: Path) -> Path | None:
    """The server's entry script, installed into `folder` with npm; None without node/npm."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    script = folder / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not script.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                        "--silent", f"yaml-language-server@{VERSION}"],
                       check=True, capture_output=True, timeout=300)
    return script


class YamlLanguageServer:
    def __init__(self, script: Path, root: Path, settings: dict | None = None) -> None:
        self.script = script
        self.settings = {"validate": True, "completion": True, "hover": True,
                         "schemaStore": {"enable": False}, **(settings or {})}
        self.proc = subprocess.Popen(["node", str(script), "--stdio"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "NODE_NO_WARNINGS": "1"})
        self.inbox: queue.Queue[dict] = queue.Queue()
        self.diagnostics: dict[str, list[dict]] = {}
        self.opened: set[str] = set()
        self._next = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "capabilities": {"textDocument": {"completion": {"completionItem": {
                "snippetSupport": True, "documentationFormat": ["plaintext"]}}},
                "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": self.settings}})

    # -- wire ----------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line or length is None:
                return
            self.inbox.put(json.loads(stream.read(length)))

    def _handle(self, message: dict) -> dict | None:
        """Answers the server's own requests; returns anything else."""
        method = message.get("method")
        if method == "workspace/configuration":
            items = message["params"]["items"]
            self._send({"id": message["id"], "result": [
                self.settings if i.get("section") == "yaml" else None for i in items]})
        elif method and "id" in message:
            self._send({"id": message["id"], "result": None})
        elif method == "textDocument/publishDiagnostics":
            self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            return message
        elif method is None:
            return message
        return None

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict):
        self._next += 1
        ident = self._next
        self._send({"id": ident, "method": method, "params": params})
        while True:
            message = self._handle(self.inbox.get(timeout=WAIT))
            if message is not None and message.get("id") == ident:
                return message.get("result")

    # -- what the tests ask ------------------------------------------------------------------
    def open(self, path: Path) -> list[dict]:
        """Opens a file (once) and returns the diagnostics the server publishes for it."""
        uri = path.as_uri()
        # Reopening would race the server's late diagnostics for the old text: one open a file.
        assert uri not in self.opened, f"{path} was opened already"
        self.opened.add(uri)
        self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8")}})
        # A request after the open is answered after the open is validated and published.
        self.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        while uri not in self.diagnostics:
            self._handle(self.inbox.get(timeout=WAIT))
        return self.diagnostics[uri]

    def complete(self, path: Path, line: int, character: int) -> list[dict]:
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else (result or [])

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character}})
        contents = (result or {}).get("contents", "")
        return contents.get("value", "") if isinstance(contents, dict) else str(contents)

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)  # it ends at the end of the server's output
        self.proc.stdin.close()
        self.proc.stdout.close()
