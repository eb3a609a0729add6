#!/usr/bin/env python3
"""Checks crma-check's HTML reports in real headless Chromium (run by tests/browser/run.sh).

For each HTML file given (FILE.html, or FILE.html=N to expect N charts in it):
  1. opens it (file://) in headless Chromium, driven over the DevTools protocol on a pipe
     (--remote-debugging-pipe: no port, no websocket library, stdlib only), with the page's
     own scripts disabled (the report must read without JavaScript);
  2. records every request the page makes (Network.requestWillBeSent, which also reports
     file:// and data: loads and loads the CSP then blocks) and every CSP violation or
     console error; any request other than the document itself fails the check;
  3. takes a full-page PNG screenshot at the given width and checks it is non-trivial;
  4. serializes the DOM after load (DOM.getOuterHTML, like --dump-dom) and checks it: one
     chart per material and stage of each file's section ([data-material][data-stage], stage
     one of extraction/processing/recycling, each material with all stages, each with a
     <title>),
     no <script>, <img>, <iframe>, <object>, <embed>, <link> or <base> element, no on*
     attribute, nothing with an http(s)/file/// URL in src/href/xlink:href/style.

Usage: check_html.py [--out DIR] [--width 1200] [--scale 1] [--allow-no-bars]
                     [--clip x,y,w,h] [--timeout 60] [--quiet 0.5] [--chromium PATH] FILE.html[=N]...
Exit status 0 when every file passes; prints one "N passed, N failed" line at the end.
"""

import argparse
import base64
import html.parser
import json
import os
import pathlib
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

FLAGS = [
    "--headless",
    "--no-sandbox",  # root, in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--font-render-hinting=none",
    "--remote-debugging-pipe",
]
STAGES = ("extraction", "processing", "recycling")
FORBIDDEN_ELEMENTS = {"script", "img", "iframe", "object", "embed", "link", "base", "frame", "image", "use", "foreignobject"}
EXTERNAL_URL = re.compile(r"(?:https?:|file:|ftp:|//)", re.I)


class Browser:
    """One Chromium process, talked to over fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, chromium, timeout):
        self.profile = tempfile.mkdtemp(prefix="crma-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes on fd 4.
        def child_fds():
            # Move both out of the way first: either may already be fd 3 or 4.
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.log = open(os.path.join(self.profile, "stderr.log"), "wb")
        self.proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            pass_fds=(3, 4), preexec_fn=child_fds,  # kept open after preexec_fn
            start_new_session=True,  # its own process group: we end exactly what we started
            env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"},
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + timeout

    def _read_message(self):
        while b"\0" not in self.buf:
            if time.monotonic() > self.deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe; see " + self.log.name)
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout):
        end = min(self.deadline, time.monotonic() + timeout)
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return e
        while time.monotonic() < end:
            e = self._read_message()
            self.events.append(e)
            if e.get("method") == method:
                return e
        raise TimeoutError(f"no {method}")

    def drain(self, quiet):
        """Reads events until none has come for `quiet` seconds (late subresource loads)."""
        import select
        while True:
            if b"\0" in self.buf:
                self.events.append(self._read_message())
                continue
            ready, _, _ = select.select([self.from_chrome], [], [], quiet)
            if not ready:
                return
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                return
            self.buf += chunk

    def close(self):
        try:
            os.write(self.to_chrome, json.dumps({"id": 999999, "method": "Browser.close"}).encode() + b"\0")
            self.proc.wait(timeout=5)
        except Exception:
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group of the process we started
            self.proc.wait()
        for fd in (self.to_chrome, self.from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def png_facts(data):
    """(width, height, distinct filtered scanlines) of a PNG, stdlib only."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * channels * depth // 8
    rows = {raw[i:i + stride] for i in range(0, len(raw), stride)}
    return width, height, len(rows)


class DomFacts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bars = []  # (file section, material, stage, has_title)
        self.section = None
        self.problems = []
        self.stack = []
        self.text = []
        self.csp = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element in the DOM: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event-handler attribute {name}= on <{tag}>")
            if name in ("src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset", "background", "ping") and value is not None:
                # A link the reader may follow (the rule's legal source) loads nothing by itself.
                followable = tag == "a" and name == "href" and re.match(r"https?://", value)
                if not value.startswith("#") and not followable:
                    self.problems.append(f"<{tag} {name}={value!r}>: only #fragment links (and <a href=http(s)>) allowed")
            if name == "style" and value and "url(" in value and not re.search(r"url\(\s*['\"]?#", value):
                self.problems.append(f"<{tag} style> loads a url(): {value!r}")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "section" and "file" in (a.get("class") or "").split():
            self.section = a.get("id")
        if "data-material" in a and "data-stage" in a:
            self.bars.append([self.section, a["data-material"], a["data-stage"], False])
            self.stack.append((tag, len(self.bars) - 1))
        else:
            self.stack.append((tag, None))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        if self.stack and self.stack[-1][0] == "style":
            for m in re.finditer(r"@import|url\(\s*['\"]?([^#'\")\s][^)]*)\)", data):
                self.problems.append(f"<style> loads something: {m.group(0)[:80]!r}")
        # a <title> (or <desc>) child of a bar group gives it a text alternative
        if len(self.stack) >= 2 and self.stack[-1][0] in ("title", "desc") and data.strip():
            for _, bar in reversed(self.stack[:-1]):
                if bar is not None:
                    self.bars[bar][3] = True
                    break


def check_dom(dom, expect_bars, allow_no_bars=False):
    problems = []
    facts = DomFacts()
    facts.feed(dom)
    problems += facts.problems
    if not facts.csp or "default-src 'none'" not in facts.csp:
        problems.append(f"no CSP meta with default-src 'none' (found {facts.csp!r})")
    if not facts.bars and not allow_no_bars:
        problems.append("no bar group ([data-material][data-stage])")
    seen = {}
    for section, material, stage, titled in facts.bars:
        if stage not in STAGES:
            problems.append(f"bar of {material!r} has unknown stage {stage!r}")
        if (section, material, stage) in seen:
            problems.append(f"two bars for {material!r} at {stage} in {section}")
        seen[(section, material, stage)] = titled
        if not titled:
            problems.append(f"bar of {material!r} at {stage} has no <title>")
    materials = sorted({(f, m) for f, m, _ in seen})
    for f, m in materials:
        missing = [s for s in STAGES if (f, m, s) not in seen]
        if missing:
            problems.append(f"material {m!r} of {f} lacks bars for {missing}")
    if expect_bars is not None and len(facts.bars) != expect_bars:
        problems.append(f"{len(facts.bars)} bars, expected {expect_bars}")
    return problems, len(facts.bars), len(materials)


def check_file(path, expect_bars, args):
    url = pathlib.Path(path).resolve().as_uri()  # percent-encoded as Chromium reports it
    base = os.path.join(args.out, os.path.splitext(os.path.basename(path))[0])
    problems = []
    t0 = time.monotonic()
    browser = Browser(args.chromium, args.timeout)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Log", "Runtime", "Audits"):
            browser.send(f"{domain}.enable", session=session)
        # The report must read without JavaScript: the page's scripts never run.
        browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": args.height, "deviceScaleFactor": args.scale, "mobile": False},
                     session=session)
        browser.events.clear()
        nav = browser.send("Page.navigate", {"url": url}, session=session)
        if nav.get("errorText"):
            raise RuntimeError(f"navigation failed: {nav['errorText']}")
        browser.wait_for("Page.loadEventFired", args.timeout)
        browser.drain(args.quiet)  # late loads (CSS backgrounds, fonts) after load
        # Full page: grow the viewport to the content, then capture.
        metrics = browser.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = max(args.height, int(size["height"] + 0.999))
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": args.width, "height": height, "deviceScaleFactor": args.scale, "mobile": False},
                     session=session)
        params = {"format": "png", "captureBeyondViewport": False}
        if args.clip:  # for looking closely at a part; the checks then see only that part
            x, y, w, h = (float(v) for v in args.clip.split(","))
            params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 1}
        shot = browser.send("Page.captureScreenshot", params, session=session)
        png = base64.b64decode(shot["data"])
        with open(base + ".png", "wb") as f:
            f.write(png)
        doc = browser.send("DOM.getDocument", {"depth": -1}, session=session)
        dom = browser.send("DOM.getOuterHTML", {"nodeId": doc["root"]["nodeId"]}, session=session)["outerHTML"]
        with open(base + ".dom.html", "w", encoding="utf-8") as f:
            f.write(dom)
        browser.drain(0.2)
    finally:
        browser.close()
    elapsed = time.monotonic() - t0

    # Requests: anything but the document itself is a failure.
    requests = []
    for e in browser.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent":
            r = p["request"]["url"]
            if not (p.get("type") == "Document" and r == url):
                requests.append(f"request: {p.get('type')} {r}")
        elif m == "Network.loadingFailed" and p.get("blockedReason"):
            requests.append(f"blocked ({p['blockedReason']}): request {p.get('requestId')}")
        elif m == "Log.entryAdded":
            entry = p["entry"]
            if entry.get("level") == "error" or entry.get("source") in ("security", "network"):
                requests.append(f"log {entry.get('source')}/{entry.get('level')}: {entry.get('text')} {entry.get('url', '')}")
        elif m == "Audits.issueAdded":
            issue = p["issue"]
            if issue.get("code") in ("ContentSecurityPolicyIssue", "MixedContentIssue", "CorsIssue"):
                requests.append(f"issue {issue['code']}: {json.dumps(issue.get('details'))[:200]}")
    problems += requests

    width, height_px, rows = png_facts(png)
    if not args.clip and width != round(args.width * args.scale):
        problems.append(f"screenshot is {width}px wide, expected {args.width} x {args.scale}")
    if len(png) < 10_000 or rows < 50:
        problems.append(f"screenshot looks blank: {len(png)} bytes, {rows} distinct scanlines")

    dom_problems, bars, materials = check_dom(dom, expect_bars, args.allow_no_bars or expect_bars == 0)
    problems += dom_problems
    with open(base + ".events.json", "w") as f:
        json.dump(browser.events, f, indent=1)
    status = "ok" if not problems else "FAILED"
    print(f"{status}: {path}: {width}x{height_px} png ({len(png)} bytes, {rows} distinct rows), "
          f"{bars} bars of {materials} materials, {len(requests)} requests/violations, {elapsed:.2f}s")
    for p in problems:
        print(f"    {p}")
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="FILE.html, or FILE.html=N: expect N charts (0: a page without any)")
    ap.add_argument("--out", default="browser-check", help="where screenshots, DOM dumps and event logs go")
    ap.add_argument("--width", type=int, default=1200)
    ap.add_argument("--clip", help="x,y,w,h in CSS pixels: capture only that part (to inspect)")
    ap.add_argument("--scale", type=float, default=1.0, help="device pixels per CSS pixel (2 for a sharp picture)")
    ap.add_argument("--height", type=int, default=800, help="initial viewport height; the shot is full-page")
    ap.add_argument("--allow-no-bars", action="store_true",
                    help="a page without bars passes (a file that could not be checked)")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--timeout", type=float, default=60.0, help="per file")
    ap.add_argument("--quiet", type=float, default=0.5, help="seconds without events that end the page load")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    passed = failed = 0
    for spec in args.files:
        path, _, bars = spec.partition("=")
        try:
            ok = check_file(path, int(bars) if bars else None, args)
        except Exception as e:  # a browser that fails is a failed check, not a crash
            print(f"FAILED: {path}: {type(e).__name__}: {e}")
            ok = False
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
