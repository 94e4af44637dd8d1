/*
 * Recordings: the admin token kept for this tab, the recordings listing, the links that open a recording in its
 * player page, and the helper that plays one recorded file with clear states.
 *
 * GET /api/recordings[?stream=app/name] (admin token; the union of every recorder) answers
 *   {"recordings": [{ "type": "mp4" | "flv", "stream": "app/name", "session": "yyyyMMdd_HHmmss",
 *     "start": ISO time, "state": "recording" | "merged" | "unfinished" | "failed" | "file",
 *     "duration": seconds, "size": bytes,
 *     "urls": { mp4: full?, index, merged?, video?, audio?  ·  flv: file } }], "truncated": bool}
 * newest first. The player pages need no token: the links carry the app, stream and session (or file), and a
 * session's index.json, public under /mp4/, tells play_merge.html everything else.
 *
 * GET /mp4/{app}/{stream}/ and GET /flv/{app}/{stream}/ (public, behind the stream's play access, as the files)
 * answer one stream's sessions: {"app", "stream", "timeZone": "UTC", "sessions": [{ "id": "yyyyMMdd_HHmmss",
 *   "start": ISO time, "open": bool, "state", "duration", "size", "urls": {…as above} }]}, newest first. The
 * recording pages fill their session picker from it.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const KEY = 'osprey.adminToken';

  const token = {
    get: () => sessionStorage.getItem(KEY) || '',
    set: (t) => sessionStorage.setItem(KEY, t),
    clear: () => sessionStorage.removeItem(KEY),
  };

  /** fetch() of an admin API path with the token. */
  async function api(path, init) {
    return fetch(path, Object.assign({ cache: 'no-store' }, init || {}, {
      headers: Object.assign({ Authorization: 'Bearer ' + token.get() }, (init && init.headers) || {}),
    }));
  }

  /** A server path ("/mp4/…"): anything else (other origins, "//host", "javascript:") is dropped. */
  function path(u) {
    return typeof u === 'string' && /^\/(?!\/)/.test(u) ? u : '';
  }

  /** One entry of the listing → {app, stream, key, type, session, start, state, duration, size, urls}. */
  function normalize(json) {
    const raw = json && Array.isArray(json.recordings) ? json.recordings : [];
    const out = [];
    for (const e of raw) {
      if (!e || typeof e !== 'object' || typeof e.stream !== 'string') continue;
      if (e.type !== 'mp4' && e.type !== 'flv') continue; // e.g. the HLS disk mirror of a live stream
      const slash = e.stream.indexOf('/');
      const app = e.stream.slice(0, slash);
      const stream = e.stream.slice(slash + 1);
      if (!O.validName(app) || !O.validName(stream)) continue;
      const urls = {};
      for (const [k, v] of Object.entries(e.urls || {})) if (path(v)) urls[k] = path(v);
      out.push({
        app, stream, key: app + '/' + stream,
        type: e.type === 'flv' ? 'flv' : 'mp4',
        session: String(e.session || ''),
        start: e.start || '',
        state: String(e.state || ''),
        duration: typeof e.duration === 'number' ? e.duration : null,
        size: typeof e.size === 'number' ? e.size : null,
        urls,
      });
    }
    return out;
  }

  /**
   * Reads the listing, optionally of one stream ({app, stream}). Resolves to {available, status, items, truncated};
   * available is false without a token (401) or when the server has no listing (404: fmp4-recorder is off).
   */
  async function list(filter) {
    if (!token.get()) return { available: false, status: 401, items: [] };
    let r;
    try {
      const q = filter && filter.app && filter.stream ? '?stream=' + encodeURIComponent(filter.app + '/'
        + filter.stream) : '';
      r = await api(O.urls.recordings + q);
    } catch (e) {
      return { available: false, status: 0, items: [] };
    }
    if (!r.ok) return { available: false, status: r.status, items: [] };
    const json = await r.json().catch(() => null);
    return { available: true, status: r.status, items: normalize(json), truncated: !!(json && json.truncated) };
  }

  /**
   * One stream's recordings of a type from the public per-stream listing. Resolves to {available, status, items};
   * available is false when the recorder is off (404) or access is refused (401/403).
   */
  async function streamList(type, app, stream) {
    if (!O.validName(app) || !O.validName(stream)) return { available: false, status: 0, items: [] };
    let r;
    try {
      // a play token given to the page (?token=) is what the stream's access check asks for
      const t = O.params().get('token');
      r = await fetch((type === 'flv' ? O.urls.flvRecordings(app, stream) : O.urls.mp4Sessions(app, stream))
        + (t ? '?token=' + encodeURIComponent(t) : ''), { cache: 'no-store' });
    } catch (e) {
      return { available: false, status: 0, items: [] };
    }
    if (!r.ok) return { available: false, status: r.status, items: [] };
    const json = await r.json().catch(() => null);
    const sessions = json && Array.isArray(json.sessions) ? json.sessions : [];
    return { available: true, status: r.status, items: normalize({ recordings: sessions.map((e) => ({
      type, stream: app + '/' + stream, session: e.id, start: e.start,
      state: e.open ? 'recording' : e.state, duration: e.duration, size: e.size >= 0 ? e.size : null,
      urls: e.urls })) }) };
  }

  /**
   * The session picker of a recording page: a <select> (#picker) listing the stream in the form's app and
   * stream fields; choosing one puts its name into {@code field} (session, or FLV file) and plays it.
   */
  function bindPicker(form, type, field) {
    const select = document.getElementById('picker');
    if (!select) return;
    const app = form.elements.app;
    const stream = form.elements.stream;
    let run = 0;
    async function refresh() {
      const mine = ++run;
      const r = await streamList(type, app.value.trim(), stream.value.trim());
      if (mine !== run) return;
      const first = document.createElement('option');
      first.value = '';
      first.textContent = !O.validName(app.value.trim()) || !O.validName(stream.value.trim())
        ? 'give an app and a stream' : !r.available ? 'cannot list (' + (r.status || 'no answer') + ')'
          : r.items.length ? r.items.length + ' recording' + (r.items.length > 1 ? 's' : '') + ' (UTC names)'
            : 'no recordings yet';
      const options = [first];
      for (const i of r.items) {
        const o = document.createElement('option');
        o.value = type === 'flv' ? flvFile(i) : i.session;
        o.textContent = i.session + ' — ' + describe(i);
        options.push(o);
      }
      select.replaceChildren(...options);
      select.value = form.elements[field].value && options.some((o) => o.value === form.elements[field].value)
        ? form.elements[field].value : '';
    }
    select.addEventListener('change', () => {
      if (!select.value) return;
      form.elements[field].value = select.value;
      form.requestSubmit();
    });
    app.addEventListener('change', refresh);
    stream.addEventListener('change', refresh);
    form.addEventListener('submit', () => setTimeout(refresh, 0));
    refresh();
  }

  /** The file name of an FLV recording ("20250101_120000.flv"). */
  function flvFile(item) {
    return (item.urls.file || '').split('/').pop();
  }

  /**
   * The links of one recording: [{text, href, label, download?}], the first one the best way to play it.
   *   mp4, merged:            Play (mp4.html, the whole file, seekable), Merged A/V, Separate A/V, Download
   *   mp4, still recording or never merged: Merged A/V / Separate A/V (play_merge.html reads index.json)
   *   flv:                    Play (video.html), Download
   */
  function links(item) {
    const q = { app: item.app, stream: item.stream };
    const what = (item.type === 'flv' ? 'FLV' : 'MP4') + ' recording ' + item.session + ' of ' + item.key;
    const out = [];
    if (item.type === 'flv') {
      out.push({ text: 'Play', href: O.urls.page('video.html', Object.assign({ file: flvFile(item) }, q)),
        label: 'Play ' + what });
      if (item.urls.file) out.push({ text: 'Download', href: item.urls.file, download: true, label: 'Download ' + what });
      return out;
    }
    q.session = item.session;
    if (item.urls.full) out.push({ text: 'Play', href: O.urls.page('mp4.html', q), label: 'Play ' + what });
    if (item.urls.merged) {
      out.push({ text: 'Merged A/V', href: O.urls.page('play_merge.html', Object.assign({ mode: 'merge' }, q)),
        label: 'Play the merged fMP4 segments of ' + what });
    }
    if (item.urls.video || item.urls.audio) {
      out.push({ text: 'Separate A/V', href: O.urls.page('play_merge.html', Object.assign({ mode: 'separate' }, q)),
        label: 'Play the separate audio and video fMP4 segments of ' + what });
    }
    if (!item.urls.full && out.length) out[0] = Object.assign({}, out[0], { text: 'Play' });
    if (item.urls.full) out.push({ text: 'Download', href: item.urls.full, download: true, label: 'Download ' + what });
    return out;
  }

  /**
   * Plays one recorded file: probe (404 → "not found"), attach, then loading → playing → finished, with errors
   * said plainly. opts: video, status, url, label, attach(events) → destroy function (optional; default: the
   * <video> plays the URL itself), probeUrl, notFound (sentence).
   */
  function playRecording(opts) {
    const { video, status } = opts;
    let destroy = null;
    let lastTime = -1;
    let stopped = false;
    const onTime = () => {
      if (video.currentTime > lastTime && lastTime >= 0 && !video.paused) {
        if (status.state !== 'playing') status.set('playing', 'Playing ' + opts.label);
      }
      lastTime = video.currentTime;
    };
    const onEnded = () => status.set('finished', 'Finished: ' + opts.label + ' played to its end.');
    const onPause = () => {
      if (!video.ended && status.state === 'playing') status.set('paused', 'Paused: ' + opts.label);
    };
    const onError = () => {
      const code = video.error ? video.error.code : 0;
      O.recordError('media error ' + code + (video.error && video.error.message ? ': ' + video.error.message : ''));
      status.set('error', 'The browser cannot play ' + opts.label + ' (media error ' + code + ').');
    };
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('ended', onEnded);
    video.addEventListener('pause', onPause);

    (async () => {
      status.set('loading', 'Looking for ' + opts.label + '…');
      const code = await O.probe(opts.probeUrl || opts.url);
      if (stopped) return;
      if (code === 404 || code === 410) {
        status.set('notfound', opts.notFound || ('Recording not found: ' + opts.label + '.'));
        return;
      }
      if (code < 200 || code >= 400) {
        status.set('error', code === 0 ? 'Cannot reach the server.' : 'The server answered ' + code + '.');
        return;
      }
      status.set('loading', 'Loading ' + opts.label + '…');
      if (opts.attach) {
        destroy = opts.attach({
          failed: (reason) => {
            O.recordError(reason);
            status.set('error', 'Cannot play ' + opts.label + ': ' + reason);
          },
        });
      } else {
        video.addEventListener('error', onError);
        video.src = opts.url;
        destroy = () => {
          video.removeEventListener('error', onError);
          video.removeAttribute('src');
          video.load();
        };
      }
      video.play().catch(() => {});
    })();

    return {
      stop() {
        stopped = true;
        video.removeEventListener('timeupdate', onTime);
        video.removeEventListener('ended', onEnded);
        video.removeEventListener('pause', onPause);
        if (destroy) destroy();
      },
    };
  }

  /** "7.0 s · 2.7 MB · merged · 21 Nov 05:00" */
  function describe(item) {
    return [item.duration !== null ? O.formatDuration(item.duration) : '', item.size !== null
      ? O.formatBytes(item.size) : '', item.state && item.state !== 'file' ? item.state : '',
    item.start ? new Date(item.start).toLocaleString() : ''].filter(Boolean).join(' · ');
  }

  /**
   * The newest recording of a stream of a type, from the stream's public listing.
   * Resolves to {item} or {missing: sentence} or {unlisted: sentence}.
   */
  async function newest(app, stream, type, need) {
    const r = await streamList(type, app, stream);
    if (!r.available) {
      return { unlisted: r.status === 401 || r.status === 403
        ? 'The recordings of ' + app + '/' + stream + ' cannot be listed without access (' + r.status + ').'
        : 'The recordings cannot be listed (' + (r.status || 'no answer') + '); give the session or file name.' };
    }
    const item = r.items.find((i) => i.type === type && (!need || need(i)));
    return item ? { item } : { missing: 'Recording not found: no ' + (type === 'flv' ? 'FLV' : 'MP4')
      + ' recording of ' + app + '/' + stream + ' on this server yet.' };
  }

  /** Lists this stream's recordings of a type under the player, as links. */
  async function showOthers(el, app, stream, type) {
    if (!el) return;
    el.replaceChildren();
    if (!O.validName(app) || !O.validName(stream)) return;
    const r = await streamList(type, app, stream);
    if (!r.available) return;
    const items = r.items;
    if (!items.length) return;
    const h = document.createElement('h3');
    h.textContent = 'Recordings of ' + app + '/' + stream;
    const ul = document.createElement('ul');
    for (const i of items.slice(0, 50)) {
      const li = document.createElement('li');
      li.append(i.session + ' ');
      for (const l of links(i)) {
        const a = document.createElement('a');
        a.href = l.href;
        a.textContent = l.text;
        a.setAttribute('aria-label', l.label);
        if (l.download) a.setAttribute('download', '');
        li.append(a, ' ');
      }
      li.append('(' + describe(i) + ')');
      ul.append(li);
    }
    el.append(h, ul);
  }

  /**
   * The scaffold of a recording-player page (mp4.html, video.html, play_merge.html): the form and its recordings
   * picker, the resolve → status → play sequence (a newer Play drops an older one still resolving), the links to
   * the stream's other recordings and the facts under the player, once a second. The page gives:
   *   type      'mp4' or 'flv': which listing the picker and the links read
   *   field     the form's name field ('session' or 'file')
   *   defaults  the form's defaults ({app: 'live'} when not given)
   *   check()   a sentence when this browser cannot play (optional)
   *   reset()   forgets the previous recording's details (optional)
   *   resolve(values)  → {url, label, …} or {idle|bad|unlisted|missing: sentence}
   *   play(t, values, ui)  → playRecording's session, or null when it set the status itself; ui is {video,
   *             status, current}, current() false once a newer Play started
   *   facts(f)  adds the page's own facts to the video's (optional)
   */
  function page(opts) {
    const video = document.getElementById('video');
    const status = new O.Status(document.getElementById('status'));
    const facts = document.getElementById('facts');
    let session = null;
    let run = 0;

    async function start(values) {
      if (session) session.stop();
      session = null;
      const mine = ++run;
      const current = () => mine === run;
      if (opts.reset) opts.reset();
      const unable = opts.check && opts.check();
      if (unable) { status.set('error', unable); return; }
      status.set('loading', 'Looking for the recording…');
      const t = await opts.resolve(values);
      if (!current()) return;
      if (t.idle) { status.set('idle', t.idle); return; }
      if (t.bad) { status.set('error', t.bad); return; }
      if (t.unlisted) { status.set('idle', t.unlisted); return; }
      if (t.missing) { status.set('notfound', t.missing); return; }
      const s = await opts.play(t, values, { video, status, current });
      if (!s) return;
      if (!current()) { s.stop(); return; }
      session = s;
      showOthers(document.getElementById('others'), values.app, values.stream, opts.type);
    }

    setInterval(() => {
      if (!['playing', 'paused', 'finished'].includes(window.osprey.state)) {
        O.renderFacts(facts, {});
        return;
      }
      const f = O.videoFacts(video);
      if (isFinite(video.duration)) f.duration = O.formatDuration(video.duration);
      if (opts.facts) opts.facts(f);
      O.renderFacts(facts, f);
    }, 1000);

    const form = document.getElementById('pick');
    start(O.bindForm(form, opts.defaults || { app: 'live' }, start));
    bindPicker(form, opts.type, opts.field);
  }

  O.token = token;
  O.api = api;
  O.recordings = { list, streamList, bindPicker, normalize, links, describe, newest, flvFile, playRecording,
    showOthers, path, page };
})();
