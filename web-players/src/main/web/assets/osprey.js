/*
 * Shared helpers for the Osprey pages: the URL layout of every output (kept in ONE place: Osprey.urls),
 * query-string and form handling, the visible state of a player, and the reconnect loop of live players.
 * Plain browser JavaScript, no build step. Tests read window.osprey (state, errors, events) and the
 * data-state attribute of #status.
 */
(function () {
  'use strict';

  const origin = location.origin && location.origin !== 'null' ? location.origin : 'http://localhost:8080';
  const host = location.hostname || 'localhost';
  const wsOrigin = origin.replace(/^http/, 'ws');

  /**
   * What the server says about itself (GET /api/info, public): the RTMP port the rtmp-ingest plugin bound, the host
   * names to advertise (server.publicHost, server.publicRtmpUrl), the outputs that are on. Until it answers (or when
   * the page is not served by Osprey) the addresses assume RTMP on 1935 on this page's host.
   */
  let info = null;
  const serverInfo = fetch('/api/info', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null)
    .then((i) => { info = i; return i; });

  /** rtmp://host[:port], without the port when it is RTMP's default 1935. */
  function rtmpBase() {
    if (info && info.publicRtmpUrl) return info.publicRtmpUrl;
    const port = info && info.rtmp ? info.rtmp.port : 1935;
    let h = (info && info.publicHost) || host;
    if (h.indexOf(':') >= 0 && h[0] !== '[') h = '[' + h + ']';
    return 'rtmp://' + h + (port === 1935 ? '' : ':' + port);
  }

  function enc(part) {
    return encodeURIComponent(part);
  }

  /**
   * Where everything lives on the server. Change a path here and every page and the console follow.
   *   FLV recordings (httpflv, record.enabled): /flv/{app}/{stream}/{yyyyMMdd_HHmmss}.flv
   *   fMP4 recordings (fmp4-recorder): one folder per publish session, /mp4/{app}/{stream}/{session}/ with
   *     index.json (public: sets, MIME types, segments), stream_full.mp4 (after the stream ends),
   *     output_merge/ and output_separate/
   *   recordings: the admin API listing of both (admin token): {"recordings": [...]}
   *   rtmpServer/rtmp: from GET /api/info (the bound RTMP port, server.publicHost/publicRtmpUrl); call them after
   *     Osprey.serverInfo resolved, or render again then
   */
  const urls = {
    origin, host,
    rtmpServer: (app) => rtmpBase() + '/' + app,
    rtmp: (app, stream) => rtmpBase() + '/' + app + '/' + stream,
    flv: (app, stream) => origin + '/' + enc(app) + '/' + enc(stream) + '.flv',
    wsFlv: (app, stream) => wsOrigin + '/' + enc(app) + '/' + enc(stream) + '.flv',
    hls: (app, stream) => origin + '/hls/' + enc(app) + '/' + enc(stream) + '/index.m3u8',
    hlsMaster: (app, stream) => origin + '/hls/' + enc(app) + '/' + enc(stream) + '/master.m3u8',
    flvRecordings: (app, stream) => origin + '/flv/' + enc(app) + '/' + enc(stream) + '/',
    flvRecording: (app, stream, file) => origin + '/flv/' + enc(app) + '/' + enc(stream) + '/' + enc(file),
    mp4Sessions: (app, stream) => origin + '/mp4/' + enc(app) + '/' + enc(stream) + '/',
    mp4Session: (app, stream, session) => origin + '/mp4/' + enc(app) + '/' + enc(stream) + '/' + enc(session)
      + '/',
    mp4Full: (app, stream, session) => urls.mp4Session(app, stream, session) + 'stream_full.mp4',
    mp4Index: (app, stream, session) => urls.mp4Session(app, stream, session) + 'index.json',
    recordings: '/api/recordings',
    api: '/api',
    health: '/api/health',
    metrics: '/metrics',
    page: (name, params) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params || {})) {
        if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v === true ? '1' : String(v));
      }
      const s = q.toString();
      return '/' + name + (s ? '?' + s : '');
    },
  };

  /** The server's name grammar: 1-128 of A-Z a-z 0-9 _ - . with no leading - or . and no "..". */
  function validName(s) {
    return typeof s === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(s) && s.indexOf('..') < 0;
  }

  function params() {
    return new URLSearchParams(location.search);
  }

  function flag(value) {
    return value === '1' || value === 'true' || value === 'on' || value === 'yes';
  }

  /** Fills the form's fields from the query string and calls onSubmit(values) when it is submitted. */
  function bindForm(form, defaults, onSubmit) {
    const q = params();
    for (const el of form.elements) {
      if (!el.name) continue;
      const v = q.has(el.name) ? q.get(el.name) : defaults[el.name];
      if (v === undefined || v === null) continue;
      if (el.type === 'checkbox') el.checked = flag(String(v));
      else el.value = v;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = read(form);
      const q2 = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) {
        if (v === true) q2.set(k, '1');
        else if (v && v !== false) q2.set(k, v);
      }
      history.replaceState(null, '', location.pathname + (q2.toString() ? '?' + q2 : ''));
      onSubmit(values);
    });
    return read(form);
  }

  function read(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      out[el.name] = el.type === 'checkbox' ? el.checked : el.value.trim();
    }
    return out;
  }

  /** What tests and curious users can inspect: window.osprey. */
  const probeState = window.osprey = { state: 'idle', message: '', errors: [], warnings: [], events: [], info: {} };

  /** The visible state of a player: data-state on #status plus a readable sentence. */
  class Status {
    constructor(el) {
      this.el = el;
      this.text = el.querySelector('.text') || el;
    }

    set(state, message) {
      if (probeState.state === state && probeState.message === message) return;
      probeState.state = state;
      probeState.message = message;
      probeState.events.push({ t: Math.round(performance.now()), state, message });
      if (probeState.events.length > 200) probeState.events.shift();
      this.el.dataset.state = state;
      this.text.textContent = message;
    }

    get state() {
      return probeState.state;
    }
  }

  function recordError(what) {
    const e = { t: Math.round(performance.now()), what: String(what) };
    probeState.errors.push(e);
    if (probeState.errors.length > 100) probeState.errors.shift();
    console.warn('osprey player:', e.what);
  }

  /** Something odd that the player recovered from by itself (kept apart from errors). */
  function recordWarning(what) {
    probeState.warnings.push({ t: Math.round(performance.now()), what: String(what) });
    if (probeState.warnings.length > 100) probeState.warnings.shift();
  }

  /**
   * Asks whether a URL is there, at once. HEAD first (the live FLV route answers it without streaming); when HEAD
   * is not a success, a GET confirms (a route may serve GET only), abandoned as soon as the headers are in.
   * Resolves to the HTTP status, or 0 when the server could not be reached in time.
   */
  async function probe(url, { timeoutMs = 2500 } = {}) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const head = await fetch(url, { method: 'HEAD', cache: 'no-store', signal: ctl.signal });
      if (head.ok) return head.status;
      const get = await fetch(url, { method: 'GET', cache: 'no-store', signal: ctl.signal });
      if (get.body) get.body.cancel().catch(() => {});
      return get.status;
    } catch (e) {
      return 0;
    } finally {
      clearTimeout(timer);
      ctl.abort();
    }
  }

  /**
   * The life of a live player: probe, attach the engine, watch progress, and when the stream ends or the
   * connection drops, say so and try again until it returns.
   *   opts.video      the <video>
   *   opts.status     a Status
   *   opts.probeUrl   () => URL whose status says whether the stream is there (404 = not there)
   *   opts.attach     (events) => handle with destroy(); call events.ended() when the stream ended cleanly and
   *                   events.failed(reason) on an error
   *   opts.label      a name for messages ("live/stream over HTTP-FLV")
   */
  function liveLoop(opts) {
    const { video, status } = opts;
    let handle = null;
    let everPlayed = false;
    let playingSince = 0;
    let retryTimer = 0;
    let failures = 0;
    let stopped = false;
    let lastTime = -1;
    let lastProgress = 0;
    let generation = 0;

    function teardown() {
      generation++;
      if (handle) {
        try { handle.destroy(); } catch (e) { recordError('destroy: ' + e); }
        handle = null;
      }
      lastTime = -1;
    }

    function retry(ms) {
      clearTimeout(retryTimer);
      if (!stopped) retryTimer = setTimeout(connect, ms);
    }

    async function connect() {
      if (stopped) return;
      teardown();
      const gen = generation;
      if (!everPlayed) status.set('connecting', 'Connecting to ' + opts.label + '…');
      else if (status.state !== 'ended') status.set('reconnecting', 'Reconnecting to ' + opts.label + '…');
      const code = await probe(opts.probeUrl());
      if (stopped || gen !== generation) return;
      if (code === 404 || code === 410) {
        if (everPlayed) {
          status.set('ended', 'Stream ended: ' + opts.label + ' is not live. Waiting for it to return…');
        } else {
          status.set('notfound', 'Stream not found: ' + opts.label + ' is not live. Waiting for it to start…');
        }
        retry(2000);
        return;
      }
      if (code < 200 || code >= 400) {
        failures++;
        status.set('error', (code === 0 ? 'Cannot reach the server' : 'The server answered ' + code)
          + '. Retrying…');
        retry(Math.min(10000, 1000 * failures));
        return;
      }
      playingSince = performance.now();
      lastProgress = performance.now();
      handle = opts.attach({
        ended: () => {
          if (gen !== generation) return;
          teardown();
          probeState.events.push({ t: Math.round(performance.now()), state: 'stream-ended' });
          status.set('ended', 'Stream ended: ' + opts.label + '. Waiting for it to return…');
          retry(1000);
        },
        failed: (reason) => {
          if (gen !== generation) return;
          recordError(reason);
          teardown();
          failures++;
          status.set('reconnecting', 'Connection lost (' + reason + '). Reconnecting…');
          retry(Math.min(5000, 500 * failures));
        },
      });
      video.play().catch(() => {});
    }

    video.addEventListener('timeupdate', () => {
      if (!handle) return;
      if (video.currentTime !== lastTime) {
        if (lastTime >= 0 && video.currentTime > lastTime && !video.paused) {
          everPlayed = true;
          failures = 0;
          if (status.state !== 'playing') status.set('playing', 'Playing ' + opts.label);
        }
        lastTime = video.currentTime;
        lastProgress = performance.now();
      }
    });

    // A live stream that stops moving while nobody paused it is reconnected.
    const watchdog = setInterval(() => {
      if (!handle || video.paused || stopped) return;
      const since = performance.now() - Math.max(lastProgress, playingSince);
      if (since > (opts.stallMs || 10000)) {
        recordError('no progress for ' + Math.round(since / 1000) + ' s');
        teardown();
        status.set('reconnecting', 'The picture stopped. Reconnecting…');
        retry(500);
      }
    }, 1000);

    connect();
    return {
      stop() {
        stopped = true;
        clearTimeout(retryTimer);
        clearInterval(watchdog);
        teardown();
      },
    };
  }

  /** Describes what a <video> is showing, for the facts line under the player. */
  function videoFacts(video) {
    const f = {};
    if (video.videoWidth) f.resolution = video.videoWidth + '×' + video.videoHeight;
    f.time = video.currentTime.toFixed(1) + ' s';
    const b = video.buffered;
    if (b.length) f.buffer = Math.max(0, b.end(b.length - 1) - video.currentTime).toFixed(1) + ' s';
    const q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
    if (q) f.dropped = q.droppedVideoFrames + ' / ' + q.totalVideoFrames;
    return f;
  }

  function renderFacts(dl, facts) {
    dl.replaceChildren();
    for (const [k, v] of Object.entries(facts)) {
      if (v === undefined || v === null || v === '') continue;
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      div.append(dt, dd);
      dl.append(div);
    }
  }

  /** A copy button next to a text: works without the async clipboard (plain http on a LAN address). */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    try { document.execCommand('copy'); } finally { ta.remove(); }
    return Promise.resolve();
  }

  function copyRow(label, value) {
    const row = document.createElement('div');
    row.className = 'copyrow';
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = label;
    const code = document.createElement('code');
    code.textContent = value;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'secondary';
    btn.textContent = 'Copy';
    btn.setAttribute('aria-label', 'Copy ' + label);
    btn.addEventListener('click', () => copyText(value).then(() => {
      btn.textContent = 'Copied';
      setTimeout(() => { btn.textContent = 'Copy'; }, 1500);
    }));
    row.append(what, code, btn);
    return row;
  }

  /** Marks the current page in the navigation. */
  /** The pages every header links to, in order. */
  const PAGES = [['/', 'Live'], ['/play.html', 'HLS'], ['/mp4.html', 'MP4 recording'], ['/video.html', 'FLV recording'],
    ['/play_merge.html', 'fMP4 segments'], ['/console/', 'Console'], ['/download.html', 'Download']];

  /**
   * The one nav of every page: adds the pages to the page's <header class="top"> (which holds only the site's
   * name), the current one marked, so that a page added here shows everywhere.
   */
  function header() {
    const top = document.querySelector('header.top');
    if (top && !top.querySelector('nav')) {
      const nav = document.createElement('nav');
      nav.setAttribute('aria-label', 'Pages');
      for (const [href, text] of PAGES) {
        const a = element('a', text);
        a.href = href;
        nav.append(a);
      }
      top.append(nav);
    }
    markNav();
  }

  function markNav() {
    const here = location.pathname.replace(/\/index\.html$/, '/');
    for (const a of document.querySelectorAll('.top nav a')) {
      const p = new URL(a.href).pathname.replace(/\/index\.html$/, '/');
      if (p === here) a.setAttribute('aria-current', 'page');
    }
  }

  /** A new element with its text (never parsed as HTML) and, optionally, a class. */
  function element(tag, value, cls) {
    const e = document.createElement(tag);
    e.textContent = value;
    if (cls) e.className = cls;
    return e;
  }

  function formatBits(bps) {
    if (!(bps > 0)) return '0 kbit/s';
    if (bps >= 1e6) return (bps / 1e6).toFixed(2) + ' Mbit/s';
    return Math.round(bps / 1e3) + ' kbit/s';
  }

  function formatBytes(n) {
    if (!(n >= 0)) return '';
    const u = ['B', 'KB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + ' ' + u[i];
  }

  function formatDuration(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(sec).padStart(2, '0');
  }

  window.Osprey = {
    urls, serverInfo, info: () => info, validName, params, flag, bindForm, Status, probe, liveLoop, recordError, recordWarning, videoFacts,
    renderFacts,
    copyText, copyRow, markNav, element, formatBits, formatBytes, formatDuration,
  };
  // the scripts load at the end of <body>: the header is there, and is filled before the first paint
  if (document.querySelector('header.top')) header(); else document.addEventListener('DOMContentLoaded', header);
})();
