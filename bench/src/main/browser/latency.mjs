// The bench's `latency` scenario: opens the bundled player pages in Debian's headless chromium (playwright-core,
// as BrowserIT drives it) and measures how far behind the publisher each player shows the picture.
// Input: a JSON job as the only argument: { modules, chromium, base, pages: [{name, path}], warmupS, durationS }.
// Output: one JSON line on stdout: {"ok":true,"pages":[...]} or {"ok":false,"error":"..."}; progress on stderr.
//
// The pages are used as they are (their default settings): an init script only catches the player they create
// (window.mpegts.createPlayer, new Hls) and samples, every 100 ms:
// - hls.js (HLS, LL-HLS): now - hls.playingDate, the EXT-X-PROGRAM-DATE-TIME of the frame on screen, which the
//   server stamps with its wall clock when the stream's first frame is packaged (publisher and server share this
//   machine's clock), but never less than a floor from the appends: on each BUFFER_APPENDED the buffer's end
//   E arrived at A, and media cannot arrive before it was sent, so wall(t) <= t + min(A - E) over the last 5 s
//   (tight for LL-HLS parts, loose by up to a segment and a reload for plain HLS). The PDT stamp can only be late
//   (the packager saw the first frame after it was sent: the figure then reads low), which the floor catches;
// - mpegts.js (HTTP-FLV, WS-FLV): the bench publisher sends an onBenchProbe script tag with its wall clock every
//   100 ms; on arrival the page pairs it with the media time the buffer then ends at (the probe's own media time,
//   give or take the frame being appended), so media time t was sent at wall(t) = t + offset (the lowest offset of
//   the last 5 s: a late append only makes an offset larger); the latency is now - wall(currentTime).
// A stall is the video not advancing for >= 500 ms while it should play; shorter underruns are counted apart
// ('waiting' events), as are the stalls hls.js reports itself (each raises its target latency by
// liveSyncOnStallIncrease).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const job = JSON.parse(process.argv[2]);
const log = (...a) => process.stderr.write('[latency] ' + a.join(' ') + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { chromium } = createRequire(join(job.modules, 'noop.js'))('playwright-core');

// The flags of BrowserIT's driver: a quiet, sandbox-less, GPU-less chromium with a fresh profile.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage',
  '--mute-audio', '--autoplay-policy=no-user-gesture-required'];

/** Runs in the page before its scripts: catches the players and samples the latency. */
function probe() {
  // samples: the latency; ahead: seconds buffered ahead of the playhead; own: the player's own latency estimate
  // (hls.js: hls.latency, from the playlist; mpegts.js has none); rate: the playback rate (live sync)
  // waits: 'waiting' events of the video while it played (any underrun, however short); playerStalls: the stalls
  // the player itself reported (hls.js BUFFER_STALLED_ERROR, each of which also raises its target latency)
  const m = { samples: [], ahead: [], own: [], rates: [], stalls: 0, stallMs: 0, probes: 0, kind: null, reset: 0,
    waits: 0, playerStalls: 0, t0: Date.now(), stallTimes: [], pdt: [], floor: [] };
  window.__latency = m;
  let hls = null;
  let flv = null;
  const offsets = []; // [arrivalMs, offsetMs]
  // hls.js: the buffer's end on each append; the media there cannot have been sent after it arrived
  const appends = []; // [arrivalMs, arrivalMs - bufferEndMs]
  const appended = () => {
    const v = document.querySelector('video');
    if (v && v.buffered.length) {
      const now = Date.now();
      appends.push([now, now - v.buffered.end(v.buffered.length - 1) * 1000]);
    }
  };
  let realHls;
  Object.defineProperty(window, 'Hls', {
    configurable: true,
    get: () => realHls,
    set: (H) => {
      const Caught = function (config) {
        const h = new H(config);
        h.on(H.Events.ERROR, (ev, data) => {
          if (data && data.details === 'bufferStalledError') {
            m.playerStalls++;
            m.stallTimes.push(Date.now() - m.t0);
          }
        });
        h.on(H.Events.BUFFER_APPENDED, () => appended());
        hls = h;
        window.__hls = h; // not on m, which is returned whole
        m.kind = 'hls.js';
        return h;
      };
      Object.setPrototypeOf(Caught, H);
      Caught.prototype = H.prototype;
      realHls = Caught;
    },
  });
  let realMpegts;
  Object.defineProperty(window, 'mpegts', {
    configurable: true,
    get: () => realMpegts,
    set: (M) => {
      const create = M.createPlayer;
      M.createPlayer = function (...a) {
        const p = create.apply(M, a);
        flv = p;
        m.kind = 'mpegts.js';
        offsets.length = 0; // a new player: a new time base
        p.on('scriptdata_arrived', (d) => {
          const pr = d && d.onBenchProbe;
          const v = document.querySelector('video');
          if (!pr || !v || !v.buffered.length) return;
          const end = v.buffered.end(v.buffered.length - 1) * 1000;
          offsets.push([Date.now(), pr.wall - end]);
          m.probes++;
        });
        return p;
      };
      realMpegts = M;
    },
  });
  let lastTime = -1;
  let still = 0;
  let waitHooked = null;
  setInterval(() => {
    const v = document.querySelector('video');
    const now = Date.now();
    if (!v) return;
    if (waitHooked !== v) {
      waitHooked = v;
      v.addEventListener('waiting', () => { if (v.currentTime > 0) m.waits++; });
    }
    const playing = !v.paused && v.readyState >= 2 && v.currentTime > 0;
    if (playing) {
      if (v.currentTime === lastTime) {
        still += 100;
        if (still === 500) m.stalls++;
        if (still >= 500) m.stallMs += still === 500 ? 500 : 100;
      } else {
        still = 0;
      }
    }
    lastTime = v.currentTime;
    if (!playing) return;
    if (v.buffered.length) m.ahead.push((v.buffered.end(v.buffered.length - 1) - v.currentTime) * 1000);
    m.rates.push(v.playbackRate);
    if (hls && hls.playingDate) {
      // the server's clock (PDT) can only be late, hls.js's mapping of it to the playhead may be off either way;
      // the appends give a floor: the larger of the two is the figure, both are kept
      const pdt = now - hls.playingDate.getTime();
      while (appends.length && now - appends[0][0] > 5000) appends.shift();
      let floor = -Infinity;
      if (appends.length) {
        let off = Infinity;
        for (const a of appends) off = Math.min(off, a[1]);
        floor = now - (off + v.currentTime * 1000);
        m.floor.push(floor);
      }
      m.pdt.push(pdt);
      m.samples.push(Math.max(pdt, floor));
      if (hls.latency > 0) m.own.push(hls.latency * 1000);
    } else if (flv) {
      while (offsets.length && now - offsets[0][0] > 5000) offsets.shift();
      if (offsets.length) {
        let off = Infinity;
        for (const o of offsets) off = Math.min(off, o[1]);
        m.samples.push(now - (off + v.currentTime * 1000));
      }
    }
  }, 100);
}

function summary(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]) : null;
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s.length ? Math.round(s[s.length - 1]) : null,
    min: s.length ? Math.round(s[0]) : null };
}

async function measure(context, pg) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e && e.message || e)));
  log(pg.name + ': opening ' + pg.path);
  await page.goto(job.base + pg.path, { waitUntil: 'domcontentloaded', timeout: 15000 });
  const deadline = Date.now() + 30000;
  let first = null;
  while (Date.now() < deadline) {
    const n = await page.evaluate(() => window.__latency.samples.length);
    if (n > 0) { first = Date.now(); break; }
    await sleep(250);
  }
  if (!first) {
    const state = await page.evaluate(() => ({ kind: window.__latency.kind, probes: window.__latency.probes,
      status: (document.getElementById('status') || {}).textContent }));
    await page.close();
    return { name: pg.name, error: 'no latency sample within 30 s', state, errors };
  }
  log(pg.name + ': playing; ' + job.warmupS + ' s warm-up, then ' + job.durationS + ' s measured');
  await sleep(job.warmupS * 1000);
  await page.evaluate(() => {
    const m = window.__latency;
    m.samples = []; m.ahead = []; m.own = []; m.rates = []; m.stalls = 0; m.stallMs = 0; m.pdt = []; m.floor = [];
    m.warmupPlayerStalls = m.stallTimes.slice(); m.waits = 0; m.playerStalls = 0; m.stallTimes = [];
  });
  await sleep(job.durationS * 1000);
  const m = await page.evaluate(() => window.__latency);
  const info = await page.evaluate(() => (window.osprey || {}).info || {});
  const target = await page.evaluate(() => (window.__hls && window.__hls.targetLatency) || null);
  const browser = await page.evaluate(() => (navigator.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/) || ['?'])[0]);
  await page.close();
  const faster = m.rates.filter((r) => r > 1).length;
  return { name: pg.name, engine: m.kind, latencyMs: summary(m.samples), stalls: m.stalls, stallMs: m.stallMs,
    probes: m.probes, waits: m.waits, playerStalls: m.playerStalls, warmupPlayerStalls: m.warmupPlayerStalls,
    aheadMs: summary(m.ahead), pdtMs: m.pdt.length ? summary(m.pdt) : null,
    floorMs: m.floor.length ? summary(m.floor) : null, ownMs: m.own.length ? summary(m.own) : null,
    targetS: target, fasterPct: m.rates.length ? Math.round(100 * faster / m.rates.length) : null, playedAs: info.playedAs || null, partTarget: info.partTarget || null, browser, errors };
}

async function main() {
  const profile = mkdtempSync(join(tmpdir(), 'osprey-latency-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: job.chromium, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
      timeout: 30000,
    });
    await context.addInitScript(probe);
    const pages = [];
    for (const pg of job.pages) pages.push(await measure(context, pg));
    return { ok: true, pages };
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then((r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e) => { process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack || e) }) + '\n'); });
