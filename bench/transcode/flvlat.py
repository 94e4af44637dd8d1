# Reads two live HTTP-FLV streams at once; for every video key frame timestamp seen on both, prints the arrival
# difference (rendition - source) in ms. Usage: flvlat.py SRC_URL REND_URL SECONDS
import sys, threading, time, urllib.request, struct
def read(url, out, until):
    r = urllib.request.urlopen(url, timeout=30)
    buf = r.read(13)  # header + PreviousTagSize0
    while time.time() < until:
        h = r.read(11)
        if len(h) < 11: break
        typ = h[0] & 0x1f; size = int.from_bytes(h[1:4], 'big'); ts = int.from_bytes(h[4:7], 'big') | (h[7] << 24)
        body = r.read(size); r.read(4)
        if typ == 9 and body and (body[0] >> 4) & 7 == 1 and not (body[0] & 0x80 == 0 and len(body) > 1 and body[1] == 0):
            out.setdefault(ts, time.time())
src, ren = {}, {}
until = time.time() + float(sys.argv[3])
ts = [threading.Thread(target=read, args=(sys.argv[1], src, until)), threading.Thread(target=read, args=(sys.argv[2], ren, until))]
[t.start() for t in ts]; [t.join() for t in ts]
d = []
for k, t in ren.items():
    near = [s for s in src if abs(s - k) <= 40]
    if near: d.append((t - src[min(near, key=lambda s: abs(s - k))]) * 1000)
d.sort()
print("keyframes matched:", len(d))
if d: print("latency ms: min %.0f median %.0f max %.0f" % (d[0], d[len(d)//2], d[-1]))
