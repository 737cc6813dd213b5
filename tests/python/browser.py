"""Load a page in Debian's headless chromium and report what a reader would see, over the
DevTools protocol on --remote-debugging-pipe (standard library only: JSON messages ended by NUL
on file descriptors 3 and 4 of the browser).

Not a test module: tests call ``inspect_page(path)``, which returns a PageCheck with the
screenshot (PNG bytes), each <img>'s natural width, the page's own `data-figures` mark, and every
console error, uncaught exception and error log entry. ``find_chromium()`` returns the binary
or None.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars", "--window-size=1280,1600",
         "--remote-debugging-pipe"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageCheck:
    screenshot: bytes = b""
    images: list = field(default_factory=list)      # [(alt, naturalWidth, naturalHeight)]
    figures_mark: str | None = None                 # <body data-figures="n/m">
    errors: list = field(default_factory=list)      # console errors, exceptions, error log entries
    title: str = ""


class _Pipe:
    def __init__(self, write_fd: int, read_fd: int):
        self.w, self.r = write_fd, read_fd
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\0")
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict:
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        for i, msg in enumerate(self.events):
            if msg.get("method") == method:
                return self.events.pop(i)
        while True:
            msg = self._read(deadline)
            if msg.get("method") == method:
                return msg
            if "method" in msg:
                self.events.append(msg)


def _errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console." + p["type"] + ": " + " ".join(str(a.get("value", a.get("description", "")))
                                                                for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: " + str(d.get("exception", {}).get("description", d.get("text", ""))))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append("log: " + p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
    return out


def inspect_page(path: Path, chromium: str | None = None, timeout: float = 60.0,
                 full_page: bool = False) -> PageCheck:
    """Load `path`, wait for its load event, read its images and errors, take a screenshot (of
    the first 1280x1600 pixels, or of the whole page with full_page)."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium not found")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child_fds():
        # DevTools pipe: the browser reads fd 3 and writes fd 4 (dup2 clears close-on-exec;
        # every other descriptor Python made is close-on-exec, so close_fds=False leaks none).
        a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(a, 3)
        os.dup2(b, 4)

    check = PageCheck()
    with tempfile.TemporaryDirectory(prefix="dcsim-chromium-") as profile:
        proc = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=child_fds,
                                close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        pipe = _Pipe(to_chrome_w, from_chrome_r)
        try:
            deadline = time.monotonic() + timeout
            target = None
            while target is None:
                pages = [t for t in pipe.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
                if pages:
                    target = pages[0]["targetId"]
                elif time.monotonic() > deadline:
                    raise TimeoutError("chromium opened no page")
                else:
                    time.sleep(0.2)
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                pipe.call(f"{domain}.enable", session=session)
            pipe.events.clear()
            pipe.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
            pipe.wait_event("Page.loadEventFired", timeout=timeout)
            time.sleep(0.3)                      # let the page's load handler run
            value = pipe.call("Runtime.evaluate", {"returnByValue": True, "expression":
                              "JSON.stringify({mark: document.body.getAttribute('data-figures'),"
                              " title: document.title, images: Array.from(document.images).map("
                              "i => [i.alt, i.naturalWidth, i.naturalHeight])})"},
                              session=session)["result"]["value"]
            info = json.loads(value)
            check.figures_mark, check.title = info["mark"], info["title"]
            check.images = [tuple(i) for i in info["images"]]
            params = {"format": "png"}
            if full_page:
                size = pipe.call("Runtime.evaluate", {"returnByValue": True, "expression":
                                 "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"},
                                 session=session)["result"]["value"]
                params.update(captureBeyondViewport=True,
                              clip={"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1})
            shot = pipe.call("Page.captureScreenshot", params, session=session)
            import base64
            check.screenshot = base64.b64decode(shot["data"])
            check.errors = _errors(pipe.events)
            try:
                pipe.call("Browser.close", timeout=10)
            except (RuntimeError, TimeoutError):
                pass
        finally:
            os.close(to_chrome_w)
            os.close(from_chrome_r)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return check
