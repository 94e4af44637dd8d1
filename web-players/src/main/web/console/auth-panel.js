/*
 * Console panel of the auth plugin: what is protected (apps with a publish key — never the keys —, signed play,
 * IP lists, callbacks), from GET /api/auth. When play is signed, OspreyAuth.signLinks(container) turns the play
 * links in container into signed ones, with a query from GET /api/auth/sign (valid one hour, reused until ten
 * minutes before it expires). Loaded after console.js's helpers; touches nothing when the auth plugin is off.
 */
(function () {
  'use strict';

  const O = window.Osprey;
  const POLL_MS = 10000;
  const TTL = 3600;
  let status = null;
  const signed = new Map(); // "app/stream" -> { query, until, promise }

  function panel() {
    let box = document.getElementById('auth-panel');
    if (box) return box;
    const plugins = document.getElementById('plugins-error') || document.getElementById('plugins');
    if (!plugins) return null;
    const h = document.createElement('h2');
    h.id = 'auth-h';
    h.textContent = 'Access';
    box = document.createElement('ul');
    box.id = 'auth-panel';
    box.className = 'rows';
    box.setAttribute('aria-labelledby', 'auth-h');
    plugins.after(h, box);
    return box;
  }

  function row(name, text) {
    const li = document.createElement('li');
    const n = document.createElement('span');
    n.className = 'name';
    n.textContent = name;
    const t = document.createElement('span');
    t.className = 'grow';
    t.textContent = text;
    li.append(n, t);
    return li;
  }

  function list(a) {
    return a && a.length ? a.join(', ') : 'none';
  }

  function render(s) {
    const box = panel();
    if (!box) return;
    if (!s) {
      box.replaceChildren(row('auth', 'plugin off: anyone who reaches the ports may publish and play'));
      return;
    }
    const hooks = Object.entries(s.hooks || {}).filter(([k, v]) => v === true && k !== 'failOpen').map(([k]) => k);
    box.replaceChildren(
      row('Publish keys', s.publishKeys.length ? 'needed for ' + list(s.publishKeys) : 'none (anyone may publish)'),
      row('Signed play', s.signedPlay ? 'needed for ' + list(s.signedApps).replace('*', 'every app')
        + ' (play links below are signed for one hour)' : 'off (anyone may play)'),
      row('Publish IPs', 'allow ' + list(s.publishIps.allow) + '; deny ' + list(s.publishIps.deny)),
      row('Play IPs', 'allow ' + list(s.playIps.allow) + '; deny ' + list(s.playIps.deny)),
      row('Callbacks', hooks.length ? list(hooks) + (s.hooks.failOpen ? ' (fail open)' : ' (fail closed)') : 'none'));
  }

  async function poll() {
    const signedIn = O.token && O.token.get();
    if (signedIn) {
      try {
        const r = await O.api('/api/auth');
        const before = JSON.stringify(status);
        status = r.ok ? await r.json() : null;
        render(status);
        if (JSON.stringify(status) !== before) {
          signLinks(document.getElementById('streams'));
          signLinks(document.getElementById('recordings'));
        }
      } catch (e) {
        // the console shows reachability itself
      }
    }
    setTimeout(poll, signedIn ? POLL_MS : 1000); // soon after signing in, then seldom
  }

  function needsSignature(app) {
    return !!(status && status.signedPlay && (status.signedApps.includes('*') || status.signedApps.includes(app)));
  }

  /** The signed query for app/stream (a promise), or null when playing it needs none. */
  function query(app, stream) {
    if (!needsSignature(app)) return null;
    const key = app + '/' + stream;
    const c = signed.get(key);
    if (c && c.until > Date.now()) return c.promise;
    const promise = O.api('/api/auth/sign?stream=' + encodeURIComponent(key) + '&ttl=' + TTL)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error('sign ' + r.status)))).then((j) => j.query);
    signed.set(key, { promise, until: Date.now() + (TTL - 600) * 1000 });
    promise.catch(() => signed.delete(key));
    return promise;
  }

  /** The signed player URL for a link to one of our player pages, or null to leave it. */
  function signedHref(href, q) {
    const u = new URL(href, location.origin);
    const p = u.searchParams;
    const app = p.get('app');
    const stream = p.get('stream');
    if (!app || !stream || p.has('url')) return null;
    let media;
    if (u.pathname === '/') media = O.flag(p.get('ws') || '') ? O.urls.wsFlv(app, stream) : O.urls.flv(app, stream);
    else if (u.pathname === '/play.html') media = O.urls.hls(app, stream);
    else if (u.pathname === '/mp4.html' && p.get('session')) media = O.urls.mp4Full(app, stream, p.get('session'));
    else if (u.pathname === '/video.html' && p.get('file')) media = O.urls.flvRecording(app, stream, p.get('file'));
    else if (u.pathname === '/play_merge.html' && p.get('session')) {
      media = O.urls.mp4Index(app, stream, p.get('session')); // rec-fmp4.js passes the query on to every segment
    } else return null;
    const out = new URLSearchParams();
    for (const k of ['ws', 'll', 'mode']) if (p.has(k)) out.set(k, p.get(k));
    out.set('url', media + '?' + q);
    return u.pathname + '?' + out.toString();
  }

  /** Rewrites the play links under container to signed URLs where the stream's app needs a signature. */
  function signLinks(container) {
    if (!container || !status || !status.signedPlay) return;
    for (const a of container.querySelectorAll('a[href]')) {
      const u = new URL(a.href, location.origin);
      const q = query(u.searchParams.get('app') || '', u.searchParams.get('stream') || '');
      if (!q) continue;
      q.then((qs) => {
        const h = signedHref(a.href, qs);
        if (h) a.href = h;
      }).catch(() => { a.title = 'could not sign this link'; });
    }
  }

  window.OspreyAuth = { signLinks, status: () => status };
  poll();
})();
