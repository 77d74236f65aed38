#!/usr/bin/python3
"""Headless Chromium for the dashboard check (test/dashboard.sh); stdlib only.

  dashboard.py capture URL PNG HTML [TIMEOUT]
      open URL in headless Chromium (DevTools protocol over a pipe, no
      network library), wait until the Shiny page is rendered (connected,
      not busy, every output of the active tab filled, no output error),
      then write a screenshot (PNG) and the rendered DOM (HTML).  Prints
      the page state; exit 1 when the page did not become ready.
  dashboard.py text HTML ID            text of the element with that id
  dashboard.py cell HTML ID ROW COL    text of a body cell of the first table
                                       inside that element (0-based)
  dashboard.py rowof HTML ID KEY COL   the same, in the row whose first cell is KEY
  dashboard.py rows HTML ID            number of body rows of that table
  dashboard.py images HTML             number of drawn plots in the active tab
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser

# ---- DevTools protocol over --remote-debugging-pipe ------------------------


class Browser:
    """One headless Chromium; requests on fd 3, replies on fd 4 (NUL framed)."""

    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="pgpref-chromium.")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        exe = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--mute-audio",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
                "--window-size=%d,%d" % (width, height), "about:blank"]
        # the pipe ends become fds 3 and 4 of chromium
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", 'exec "$0" "$@" 3<&%d 4>&%d' % (to_chrome_r, from_chrome_w)] + args,
            pass_fds=(to_chrome_r, from_chrome_w), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        self.width, self.height = width, height

    def send(self, method, params=None, session=True, timeout=30):
        """Send one command and wait for its reply (events are queued)."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def read(self):
        """One message from Chromium."""
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def open_page(self):
        """Attach to a new page target with the window's size."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})

    def evaluate(self, expression):
        """Value of a JavaScript expression in the page."""
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return res.get("result", {}).get("value")

    def close(self):
        """Stop Chromium (its whole process group) and remove the profile."""
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# The state of a Shiny page: 'ready' once the active tab is fully rendered
READY_JS = r"""
(() => {
  if (!window.Shiny || !Shiny.shinyapp || !Shiny.shinyapp.isConnected()) return 'connecting';
  if (document.documentElement.classList.contains('shiny-busy')) return 'busy';
  const pane = document.querySelector('.tab-pane.active');
  if (!pane) return 'no active tab';
  const outs = pane.querySelectorAll('.shiny-bound-output');
  if (!outs.length) return 'outputs not bound';
  for (const o of outs) {
    if (o.classList.contains('shiny-output-error')) return 'error in ' + o.id + ': ' + o.textContent.trim();
    if (o.classList.contains('recalculating')) return 'recalculating ' + o.id;
    if (o.classList.contains('shiny-plot-output')) {
      const img = o.querySelector('img');
      if (!img || !img.complete || !img.naturalWidth) return 'drawing ' + o.id;
    } else if (!o.textContent.trim()) return 'waiting for ' + o.id;
  }
  return 'ready';
})()
"""


def capture(url, png, html, timeout):
    """Render url, wait for Shiny, write the screenshot and the DOM."""
    b = Browser(1400, 1000)
    try:
        b.open_page()
        b.send("Page.navigate", {"url": url})
        deadline = time.time() + timeout
        state, ready_since = "loading", None
        while time.time() < deadline:
            time.sleep(0.25)
            state = b.evaluate(READY_JS) or "loading"
            if state.startswith("error in "):
                break
            if state == "ready":
                # ready twice, half a second apart: nothing left in flight
                if ready_since and time.time() - ready_since >= 0.5:
                    break
                ready_since = ready_since or time.time()
            else:
                ready_since = None
        shot = b.send("Page.captureScreenshot", {"format": "png"})
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        with open(html, "w", encoding="utf-8") as f:
            f.write(b.evaluate("document.documentElement.outerHTML") or "")
        print(state)
        return 0 if state == "ready" else 1
    finally:
        b.close()


# ---- reading the rendered DOM ----------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}


class Node:
    """An element: tag, attributes, children (Nodes and strings)."""

    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, dict(attrs), []

    def text(self):
        """Whitespace-normalised text content."""
        parts = []

        def walk(n):
            for c in n.children:
                if isinstance(c, str):
                    parts.append(c)
                elif c.tag not in ("script", "style"):
                    walk(c)
        walk(self)
        return " ".join(" ".join(parts).split())

    def find(self, pred):
        """First descendant (depth first) that satisfies pred."""
        for c in self.children:
            if isinstance(c, Node):
                if pred(c):
                    return c
                hit = c.find(pred)
                if hit is not None:
                    return hit
        return None

    def find_all(self, pred):
        """Every descendant that satisfies pred, in document order."""
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if pred(c):
                    out.append(c)
                out.extend(c.find_all(pred))
        return out


class TreeBuilder(HTMLParser):
    """A forgiving DOM tree from HTML text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs)
        self.stack[-1].children.append(n)
        if tag not in VOID:
            self.stack.append(n)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def load(html):
    """The DOM tree of a file."""
    t = TreeBuilder()
    with open(html, encoding="utf-8") as f:
        t.feed(f.read())
    return t.root


def active_pane(root):
    """The active tab, or the whole document when there is none."""
    pane = root.find(lambda n: "tab-pane" in n.attrs.get("class", "").split()
                     and "active" in n.attrs.get("class", "").split())
    return pane or root


def by_id(root, ident):
    """The element with that id, inside the active tab when there is one."""
    node = active_pane(root).find(lambda n: n.attrs.get("id") == ident)
    if node is None:
        sys.exit("no element with id %s in the active tab" % ident)
    return node


def body_rows(root, ident):
    """Cell texts of the body rows of the first table inside an element."""
    table = by_id(root, ident).find(lambda n: n.tag == "table")
    body = table.find(lambda n: n.tag == "tbody") if table else None
    rows = body.find_all(lambda n: n.tag == "tr") if body else []
    return [[c.text() for c in r.find_all(lambda n: n.tag in ("td", "th"))] for r in rows]


def main(argv):
    if len(argv) >= 4 and argv[1] == "capture":
        return capture(argv[2], argv[3], argv[4], float(argv[5]) if len(argv) > 5 else 60)
    if len(argv) == 4 and argv[1] == "text":
        print(by_id(load(argv[2]), argv[3]).text())
        return 0
    if len(argv) == 6 and argv[1] in ("cell", "rowof"):
        rows = body_rows(load(argv[2]), argv[3])
        if argv[1] == "cell":
            row = int(argv[4])
        else:
            keys = [r[0] if r else None for r in rows]
            row = keys.index(argv[4]) if argv[4] in keys else len(rows)
        col = int(argv[5])
        if row >= len(rows):
            sys.exit("table in %s has %d rows" % (argv[3], len(rows)))
        print(rows[row][col] if col < len(rows[row]) else "")
        return 0
    if len(argv) == 4 and argv[1] == "rows":
        print(len(body_rows(load(argv[2]), argv[3])))
        return 0
    if len(argv) == 3 and argv[1] == "images":
        pane = active_pane(load(argv[2]))
        plots = pane.find_all(lambda n: "shiny-plot-output" in n.attrs.get("class", "").split())
        print(sum(1 for p in plots
                  if p.find(lambda n: n.tag == "img" and n.attrs.get("src", "").startswith("data:image/png"))))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
