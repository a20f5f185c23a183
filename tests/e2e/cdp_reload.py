#!/usr/bin/env python3
"""tests/e2e/cdp_reload.py CHROMIUM URL FILE TEXT - the page at URL, open
in headless Chromium, reloads by itself after FILE is rewritten with TEXT
(bengal-farm serve's live reload), and then shows TEXT.

Drives Chromium through the DevTools protocol over its WebSocket (standard
library only: the handshake and frames are written here).  Exit 0 when
the page loaded twice and shows the text; 1 with a message otherwise."""
import base64, json, os, re, socket, struct, subprocess, sys, tempfile, time, urllib.request

chromium, url, path, text = sys.argv[1:5]
profile = tempfile.mkdtemp()
proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                         "--remote-debugging-port=0", "--user-data-dir=" + profile,
                         "about:blank"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
def fail(msg):
    proc.kill()
    sys.exit(msg)
port = None
deadline = time.time() + 30
while time.time() < deadline and port is None:
    line = proc.stderr.readline().decode(errors="replace")
    m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
    if m:
        port = int(m.group(1))
if port is None:
    fail("chromium printed no DevTools address")
req = urllib.request.Request("http://127.0.0.1:%d/json/new?%s" % (port, url), method="PUT")
target = json.load(urllib.request.urlopen(req, timeout=10))
ws_path = target["webSocketDebuggerUrl"].split(str(port), 1)[1]

s = socket.create_connection(("127.0.0.1", port), timeout=10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
           % (ws_path, port, key)).encode())
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(4096)
buf = buf.split(b"\r\n\r\n", 1)[1]

def send(obj):
    data = json.dumps(obj).encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    n = len(data)
    head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n)
    s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def recv_exact(n):
    global buf
    while len(buf) < n:
        chunk = s.recv(65536)
        if not chunk:
            fail("DevTools closed the connection")
        buf += chunk
    out, buf = buf[:n], buf[n:]
    return out

def recv():
    b0, b1 = recv_exact(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", recv_exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", recv_exact(8))[0]
    return json.loads(recv_exact(n).decode()) if b0 & 0x0F == 1 else None

ids = iter(range(1, 1 << 30))
def evaluate(expr):
    i = next(ids)
    send({"id": i, "method": "Runtime.evaluate", "params": {"expression": expr,
                                                            "returnByValue": True}})
    while True:
        m = recv()
        if m and m.get("id") == i:
            return m.get("result", {}).get("result", {}).get("value")

probe = ("JSON.stringify([performance.getEntriesByType('navigation').length ? "
         "+(sessionStorage.getItem('bf-loads') || 0) : 0, document.readyState, "
         "document.body ? document.body.innerText : ''])")
mark = ("(function(){var n=+(sessionStorage.getItem('bf-loads')||0);"
        "if(!window.__bfCounted){window.__bfCounted=1;n++;sessionStorage.setItem('bf-loads',n);}"
        "return n;})()")
def loads():
    n = evaluate(mark)
    body = evaluate("document.body ? document.body.innerText : ''") or ""
    return n or 0, body

deadline = time.time() + 30
while time.time() < deadline:
    n, body = loads()
    if n >= 1 and evaluate("document.readyState") == "complete":
        break
    time.sleep(0.2)
else:
    fail("the page did not load")
time.sleep(1.5)  # the page's script opens its event stream
with open(path, "w") as f:
    f.write(text)
needle = [l for l in text.split("\n") if l.strip()][-1]  # the edit's last line
deadline = time.time() + 30
while time.time() < deadline:
    try:
        n, body = loads()
    except (socket.timeout, OSError):
        n, body = 0, ""
    if n >= 2 and needle in body:
        proc.kill()
        print("reloaded: load %d shows the edit" % n)
        sys.exit(0)
    time.sleep(0.2)
fail("the page did not reload with the edit (loads %d)\n%s" % (n, body[:2000]))
