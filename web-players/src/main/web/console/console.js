/*
 * The console: live streams (tracks, bitrate, viewers per protocol, a chart of the last minutes, play links),
 * plugins (version, state, an on/off switch that starts or stops them now), recordings with play and download
 * links, health. Polls the admin API every 1.5 s (recordings every 10 s, and every 2 s for a moment after a stream
 * starts or ends). The admin token is asked once and kept in sessionStorage: this tab only, gone when it closes.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 1500;
  const RECORDINGS_MS = 10000;
  const HISTORY_MS = 5 * 60 * 1000;

  const history = new Map(); // "app/name" → [{t, bitrate, viewers}]
  const cards = new Map(); // "app/name" → {el, canvas, ...}
  const rows = new Map(); // plugin id → {el, input, ...}
  const pending = new Set(); // plugin ids with a start/stop in flight
  let plugins = [];
  let liveStreams = []; // the last /api/streams answer, for the stop confirmation
  let timer = 0;
  let recordingsAt = 0;
  let lastStreamSig = null;
  let recordingsBurst = 0;
  let running = false;

  // ---- sign in -------------------------------------------------------------------------------------------

  function showSignin(message) {
    running = false;
    clearTimeout(timer);
    $('dash').classList.add('hidden');
    $('signin').classList.remove('hidden');
    $('signin-error').textContent = message || '';
    $('token').focus();
  }

  async function signIn(tokenValue) {
    O.token.set(tokenValue);
    let r;
    try {
      r = await O.api('/api/plugins');
    } catch (e) {
      showSignin('Cannot reach the server.');
      return;
    }
    if (r.status === 401) {
      O.token.clear();
      showSignin('The server refused this token.');
      return;
    }
    $('signin').classList.add('hidden');
    $('dash').classList.remove('hidden');
    running = true;
    recordingsAt = 0;
    poll();
  }

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    $('token').value = '';
    if (t) signIn(t);
  });
  $('signout').addEventListener('click', () => {
    O.token.clear();
    showSignin('Signed out.');
  });

  // ---- polling -------------------------------------------------------------------------------------------

  async function poll() {
    if (!running) return;
    try {
      const [streams, pluginList, health] = await Promise.all([
        O.api('/api/streams'), O.api('/api/plugins'), fetch(O.urls.health, { cache: 'no-store' })]);
      if (streams.status === 401 || pluginList.status === 401) {
        O.token.clear();
        showSignin('The server refused the token (was it changed?). Sign in again.');
        return;
      }
      plugins = pluginList.ok ? await pluginList.json() : plugins;
      renderPlugins(plugins);
      renderStreams(streams.ok ? await streams.json() : []);
      renderHealth(await health.json().catch(() => ({ status: 'unknown', reasons: ['no answer'] })));
      const streamSig = [...cards.keys()].sort().join();
      if (streamSig !== lastStreamSig) {
        // A stream started or ended: its recording appears, or its merge finishes in a moment. Look a few times.
        lastStreamSig = streamSig;
        recordingsAt = 0;
        recordingsBurst = 3;
      }
      if (Date.now() >= recordingsAt) {
        recordingsAt = Date.now() + (recordingsBurst-- > 0 ? 2000 : RECORDINGS_MS);
        renderRecordings(await O.recordings.list());
      }
      renderRecordingFilter();
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      $('updated').textContent = 'cannot reach the server (' + e.message + '); retrying';
      renderHealth({ status: 'unreachable', reasons: [] });
    }
    timer = setTimeout(poll, document.hidden ? POLL_MS * 4 : POLL_MS);
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && running) { clearTimeout(timer); poll(); }
  });

  // ---- health --------------------------------------------------------------------------------------------

  function renderHealth(h) {
    const el = $('health');
    el.dataset.status = h.status;
    el.textContent = h.status;
    el.className = 'badge ' + ({ healthy: 'ok', degraded: 'warn' }[h.status] || 'bad');
    const ul = $('health-reasons');
    ul.replaceChildren(...(h.reasons || []).map((r) => {
      const li = document.createElement('li');
      li.textContent = r;
      return li;
    }));
  }

  // ---- plugins -------------------------------------------------------------------------------------------

  function active(id) {
    return plugins.some((p) => p.id === id && p.state === 'active');
  }

  function renderPlugins(list) {
    const ul = $('plugins');
    const seen = new Set();
    for (const p of list) {
      seen.add(p.id);
      let row = rows.get(p.id);
      if (!row) {
        row = makePluginRow(p.id);
        rows.set(p.id, row);
      }
      ul.append(row.el); // keeps the server's order; moving a node keeps its focus
      updatePluginRow(row, p);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) { row.el.remove(); rows.delete(id); }
    }
  }

  function makePluginRow(id) {
    const el = document.createElement('li');
    el.dataset.plugin = id;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = id;
    const version = document.createElement('span');
    version.className = 'note';
    const badge = document.createElement('span');
    const detail = document.createElement('span');
    detail.className = 'note grow';
    const label = document.createElement('label');
    label.className = 'switch';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.setAttribute('role', 'switch');
    const text = document.createElement('span');
    text.textContent = 'Run ' + id;
    label.append(input, text);
    input.addEventListener('change', () => toggle(id, input.checked));
    el.append(name, version, badge, detail, label);
    return { el, version, badge, detail, input };
  }

  function updatePluginRow(row, p) {
    row.el.dataset.state = p.state;
    row.version.textContent = 'v' + p.version;
    row.badge.className = 'badge ' + ({ active: 'ok', stopped: 'muted', failed: 'bad' }[p.state] || 'warn');
    row.badge.textContent = p.state;
    const bits = [];
    if (p.reason) bits.push(p.reason);
    if (p.routes) bits.push(p.routes + (p.routes === 1 ? ' route' : ' routes'));
    if (!p.enabled) bits.push('disabled in the config');
    row.detail.textContent = bits.join(' · ');
    if (!pending.has(p.id)) {
      row.input.checked = p.state === 'active' || p.state === 'starting';
      row.input.disabled = false;
    }
  }

  /**
   * What stopping a plugin does to the people using it now, for the confirmation (null: nothing to say). The
   * kernel's plugin ids are fixed; an unknown plugin gets the general sentence.
   */
  function stopWarning(id) {
    const n = liveStreams.length;
    const viewers = (proto) => liveStreams.reduce((sum, s) => sum + ((s.viewers || {})[proto] || 0), 0);
    const streams = n + (n === 1 ? ' live stream' : ' live streams');
    switch (id) {
      case 'rtmp-ingest':
        return 'Stop rtmp-ingest? Every RTMP and HTTP-FLV-push publisher is disconnected now (' + streams
          + ') and nobody can publish until it is switched on again.';
      case 'httpflv': {
        const v = viewers('httpflv') + viewers('ws-flv');
        return 'Stop httpflv? Its HTTP-FLV and WebSocket-FLV viewers are disconnected now (' + v
          + '), FLV recordings end, and its relays stop.';
      }
      case 'hls':
        return 'Stop hls? HLS playlists of ' + streams + ' go away: HLS viewers (' + viewers('hls')
          + ') stop playing.';
      case 'fmp4-recorder':
        return 'Stop fmp4-recorder? The recordings in progress (' + streams + ' live) are finished now and'
          + ' /mp4/ recordings are not served until it is switched on again.';
      case 'auth':
        return 'Stop auth? Streams it protects become open to everyone until it is switched on again.';
      default:
        return 'Stop ' + id + '? Whatever it serves is unavailable, and its connections are closed, until it is'
          + ' switched on again.';
    }
  }

  async function toggle(id, on) {
    const row = rows.get(id);
    if (!on && !confirm(stopWarning(id))) {
      row.input.checked = true; // nothing changed
      return;
    }
    pending.add(id);
    row.input.disabled = true;
    $('plugins-error').textContent = '';
    try {
      const r = await O.api('/api/plugins/' + encodeURIComponent(id) + '/' + (on ? 'start' : 'stop'),
        { method: 'POST' });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(body.error || 'HTTP ' + r.status);
      plugins = plugins.map((p) => (p.id === id ? body : p));
      pending.delete(id);
      updatePluginRow(row, body);
    } catch (e) {
      pending.delete(id);
      $('plugins-error').textContent = 'Could not ' + (on ? 'start ' : 'stop ') + id + ': ' + e.message;
      row.input.checked = !on;
      row.input.disabled = false;
    }
  }

  // ---- streams -------------------------------------------------------------------------------------------

  function renderStreams(list) {
    liveStreams = Array.isArray(list) ? list : [];
    const now = Date.now();
    const seen = new Set();
    const box = $('streams');
    for (const s of list) {
      const key = s.app + '/' + s.name;
      seen.add(key);
      const h = history.get(key) || [];
      h.push({ t: now, bitrate: s.bitrateIn || 0, viewers: s.viewersTotal || 0 });
      while (h.length && now - h[0].t > HISTORY_MS) h.shift();
      history.set(key, h);
      let card = cards.get(key);
      if (!card) {
        card = makeCard(s);
        cards.set(key, card);
      }
      box.append(card.el);
      updateCard(card, s, h);
    }
    for (const [key, card] of cards) {
      if (!seen.has(key)) { card.el.remove(); cards.delete(key); history.delete(key); }
    }
    $('stream-count').textContent = String(list.length);
    $('no-streams').classList.toggle('hidden', list.length > 0);
    $('publish-url').textContent = O.urls.rtmpServer('live');
  }

  function makeCard(s) {
    const key = s.app + '/' + s.name;
    const el = document.createElement('article');
    el.className = 'card';
    el.dataset.stream = key;
    el.setAttribute('aria-label', 'Stream ' + key);
    const h3 = document.createElement('h3');
    const title = document.createElement('span');
    title.textContent = key + ' ';
    const badge = document.createElement('span');
    h3.append(title, badge);
    const meta = document.createElement('p');
    meta.className = 'note';
    meta.style.margin = '0';
    const facts = document.createElement('dl');
    facts.className = 'facts';
    const canvas = document.createElement('canvas');
    canvas.className = 'chart';
    canvas.setAttribute('role', 'img');
    const legend = document.createElement('div');
    legend.className = 'legend';
    legend.innerHTML = '<span><span class="sw" style="background:#0b5cad"></span>bitrate in</span>'
      + '<span><span class="sw" style="background:#1a7f37"></span>viewers</span>'
      + '<span>up to the last 5 minutes</span>';
    const links = document.createElement('div');
    links.className = 'links';
    const kick = document.createElement('button');
    kick.type = 'button';
    kick.className = 'secondary';
    kick.textContent = 'End stream';
    kick.setAttribute('aria-label', 'End stream ' + key + ' (disconnects the publisher)');
    kick.addEventListener('click', async () => {
      if (!confirm('Disconnect the publisher of ' + key + '?')) return;
      await O.api('/api/streams/' + encodeURIComponent(s.app) + '/' + encodeURIComponent(s.name),
        { method: 'DELETE' }).catch(() => {});
    });
    el.append(h3, meta, facts, canvas, legend, links, kick);
    return { el, badge, meta, facts, canvas, links, key, linkSig: '' };
  }

  function trackText(t) {
    if (t.kind === 'video') {
      return t.codec + (t.width ? ' ' + t.width + '×' + t.height : '') + (t.fps ? ' ' + t.fps + ' fps' : '');
    }
    if (t.kind === 'audio') {
      return t.codec + (t.sampleRate ? ' ' + (t.sampleRate / 1000) + ' kHz' : '')
        + (t.channels ? ' ' + (t.channels === 1 ? 'mono' : t.channels === 2 ? 'stereo' : t.channels + ' ch') : '');
    }
    return t.codec;
  }

  function updateCard(card, s, h) {
    const viewers = s.viewersTotal || 0;
    card.el.dataset.bitrate = String(s.bitrateIn || 0);
    card.el.dataset.viewers = String(viewers);
    card.el.dataset.points = String(h.length);
    card.badge.className = 'badge ' + (s.live ? 'ok' : 'warn');
    card.badge.textContent = s.live ? 'live' : 'publisher gone';
    card.meta.textContent = 'from ' + (s.publisher || '?') + ' · up ' + O.formatDuration(s.uptimeSeconds || 0)
      + (s.publishes > 1 ? ' · ' + s.publishes + ' publish sessions' : '');
    const f = {};
    for (const t of s.tracks || []) f[t.kind] = trackText(t);
    f.bitrate = O.formatBits(s.bitrateIn);
    f.fps = s.fps;
    const per = Object.entries(s.viewers || {}).map(([p, n]) => p + ' ' + n).join(', ');
    f.viewers = viewers + (per ? ' (' + per + ')' : '');
    f.out = O.formatBytes(s.bytesOut);
    if (s.framesDropped) f.dropped = s.framesDropped + ' frames';
    O.renderFacts(card.facts, f);
    card.canvas.setAttribute('aria-label', 'Chart of ' + card.key + ': bitrate now ' + O.formatBits(s.bitrateIn)
      + ', ' + viewers + ' viewers');
    drawChart(card.canvas, h);
    // Play links: rebuilt only when the set of running outputs changes (keeps focus and hover stable).
    const hls = active('hls');
    const sig = [hls, active('httpflv')].join();
    if (sig !== card.linkSig) {
      card.linkSig = sig;
      const a = (text, href, label) => {
        const l = document.createElement('a');
        l.href = href;
        l.textContent = text;
        l.target = '_blank';
        l.rel = 'noopener';
        if (label) l.setAttribute('aria-label', label + ' ' + card.key);
        return l;
      };
      const q = { app: s.app, stream: s.name };
      const out = [];
      if (active('httpflv')) {
        out.push(a('HTTP-FLV', O.urls.page('', q), 'Play over HTTP-FLV'),
          a('WS-FLV', O.urls.page('', Object.assign({ ws: true }, q)), 'Play over WebSocket-FLV'));
      }
      if (hls) {
        out.push(a('HLS', O.urls.page('play.html', q), 'Play over HLS'),
          a('LL-HLS', O.urls.page('play.html', Object.assign({ ll: true }, q)), 'Play over LL-HLS'));
      }
      const rec = document.createElement('button');
      rec.type = 'button';
      rec.className = 'linkish';
      rec.textContent = 'Recordings';
      rec.setAttribute('aria-label', 'Show the recordings of ' + card.key);
      rec.addEventListener('click', () => showRecordingsOf(card.key));
      out.push(rec);
      card.links.replaceChildren(...out);
      if (window.OspreyAuth) window.OspreyAuth.signLinks(card.links);
    }
  }

  /** Bitrate (left scale, blue) and viewers (right scale, green steps) over the last minutes (at most five). */
  function drawChart(canvas, h) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(100, canvas.clientWidth);
    const hgt = Math.max(60, canvas.clientHeight);
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const top = 14;
    const bottom = hgt - 14;
    const now = Date.now();
    // The window is what this tab has seen (the lines fill the chart from the start), up to five minutes.
    const span = Math.min(HISTORY_MS, Math.max(5000, h.length ? now - h[0].t : 0));
    const x = (t) => w - ((now - t) / span) * w;
    const maxB = Math.max(100000, ...h.map((p) => p.bitrate)) * 1.15;
    // Viewers get their own scale with room above, so one viewer does not sit on the bitrate line.
    const maxV = Math.max(2, ...h.map((p) => p.viewers));
    const yB = (b) => bottom - (b / maxB) * (bottom - top);
    const yV = (v) => bottom - (v / (maxV * 1.15)) * (bottom - top);
    g.strokeStyle = '#d0d7de';
    g.lineWidth = 1;
    g.beginPath();
    for (let i = 0; i <= 4; i++) {
      const yy = Math.round(top + (i * (bottom - top)) / 4) + 0.5;
      g.moveTo(0, yy);
      g.lineTo(w, yy);
    }
    g.stroke();
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#57606a';
    g.textBaseline = 'top';
    g.fillText(O.formatBits(maxB / 1.15), 2, 0);
    g.textAlign = 'right';
    g.fillText(maxV + (maxV === 1 ? ' viewer' : ' viewers'), w - 2, 0);
    g.textBaseline = 'bottom';
    g.fillText('now', w - 2, hgt);
    g.textAlign = 'left';
    g.fillText('−' + (span < 90000 ? Math.round(span / 1000) + ' s' : Math.round(span / 60000) + ' min'), 2, hgt);
    if (h.length < 2) {
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText('measuring…', w / 2, (top + bottom) / 2);
      return;
    }
    g.lineWidth = 2;
    g.strokeStyle = '#0b5cad';
    g.beginPath();
    h.forEach((p, i) => (i ? g.lineTo(x(p.t), yB(p.bitrate)) : g.moveTo(x(p.t), yB(p.bitrate))));
    g.stroke();
    g.strokeStyle = '#1a7f37';
    g.beginPath();
    h.forEach((p, i) => {
      if (i) g.lineTo(x(p.t), yV(h[i - 1].viewers));
      else g.moveTo(x(p.t), yV(p.viewers));
      g.lineTo(x(p.t), yV(p.viewers));
    });
    g.stroke();
  }

  // ---- recordings ----------------------------------------------------------------------------------------

  let recordingFilter = '';
  let lastRecordings = null;

  function note(text) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    return p;
  }

  function renderRecordings(r) {
    lastRecordings = r;
    const box = $('recordings');
    box.dataset.available = String(r.available);
    if (!r.available) {
      box.replaceChildren(note(r.status === 404
        ? 'No recordings listing on this server (' + O.urls.recordings + ' answered 404): the fmp4-recorder plugin'
          + ' lists the recordings (its own and httpflv\u2019s FLV files); switch it on above.'
        : 'Recordings cannot be listed right now (' + (r.status || 'no answer') + ').'));
      return;
    }
    const items = r.items.filter((i) => !recordingFilter || i.key === recordingFilter);
    if (!items.length) {
      box.replaceChildren(note(recordingFilter ? 'No recordings of ' + recordingFilter + '.'
        : 'No recordings yet. fMP4 recording is on for the apps in plugins.fmp4-recorder.apps; FLV recording'
          + ' when plugins.httpflv.record.enabled is true.'));
      return;
    }
    const ul = document.createElement('ul');
    ul.className = 'rows';
    for (const i of items.slice(0, 200)) {
      const li = document.createElement('li');
      li.dataset.stream = i.key;
      li.dataset.kind = i.type;
      li.dataset.session = i.session;
      li.dataset.state = i.state;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = i.key;
      const type = document.createElement('span');
      type.className = 'badge ' + (i.state === 'recording' ? 'warn' : i.state === 'failed' ? 'bad' : 'muted');
      type.textContent = i.type === 'flv' ? 'FLV' : i.state === 'recording' ? 'MP4 · recording' : 'MP4';
      const what = document.createElement('span');
      what.className = 'note grow';
      what.textContent = i.session + ' · ' + O.recordings.describe(i);
      const links = document.createElement('span');
      links.className = 'links';
      for (const l of O.recordings.links(i)) {
        const a = document.createElement('a');
        a.href = l.href;
        a.textContent = l.text;
        a.setAttribute('aria-label', l.label);
        if (l.download) a.setAttribute('download', '');
        else {
          a.target = '_blank'; // a player opens beside the console, which stays as it was
          a.rel = 'noopener';
        }
        links.append(a);
      }
      li.append(name, type, what, links);
      ul.append(li);
    }
    const more = r.items.length > 200 || r.truncated ? [note('Showing the newest 200 of ' + r.items.length
      + (r.truncated ? '+' : '') + '.')] : [];
    box.replaceChildren(ul, ...more);
    if (window.OspreyAuth) window.OspreyAuth.signLinks(box);
  }

  $('recordings-filter').addEventListener('change', () => {
    recordingFilter = $('recordings-filter').value;
    if (lastRecordings) renderRecordings(lastRecordings);
  });

  /** The filter's choices: every stream that has recordings, plus the live ones. */
  function renderRecordingFilter() {
    const sel = $('recordings-filter');
    const keys = new Set(cards.keys());
    if (lastRecordings) for (const i of lastRecordings.items) keys.add(i.key);
    const sorted = [...keys].sort();
    const sig = sorted.join('\n');
    if (sel.dataset.sig === sig) return;
    sel.dataset.sig = sig;
    const all = document.createElement('option');
    all.value = '';
    all.textContent = 'all streams';
    sel.replaceChildren(all, ...sorted.map((k) => {
      const o = document.createElement('option');
      o.value = k;
      o.textContent = k;
      return o;
    }));
    sel.value = keys.has(recordingFilter) ? recordingFilter : '';
  }

  function showRecordingsOf(key) {
    recordingFilter = key;
    renderRecordingFilter();
    $('recordings-filter').value = key;
    if (lastRecordings) renderRecordings(lastRecordings);
    $('recordings-h').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // ---- start ---------------------------------------------------------------------------------------------

  window.addEventListener('resize', () => {
    for (const [key, card] of cards) drawChart(card.canvas, history.get(key) || []);
  });
  if (O.token.get()) signIn(O.token.get());
  else showSignin('');
})();
