/*
 * Recordings: the admin token kept for this tab, the recordings listing (Osprey.urls.recordings) read into one
 * shape whatever the plugins call their fields, and the helper that plays one recorded file with clear states.
 *
 * The listing is expected at GET /api/recordings (admin token), as JSON: an array (or {"recordings": [...]}) of
 *   { "app", "stream", "kind": "flv" | "mp4" | "fmp4-merge" | "fmp4-separate", "url": "/flv/live/x/….flv",
 *     "size": bytes, "modified": ISO time, "files": [URLs in play order, init segments first] (fMP4 only) }
 * Entries that are single files (url/path/href) are grouped by folder, so a flat list of files works too.
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

  /** fetch() of an admin API path with the token; throws {status} on 401. */
  async function api(path, init) {
    const r = await fetch(path, Object.assign({ cache: 'no-store' }, init || {}, {
      headers: Object.assign({ Authorization: 'Bearer ' + token.get() }, (init && init.headers) || {}),
    }));
    return r;
  }

  function absolute(u) {
    if (!u) return '';
    if (/^https?:\/\//i.test(u) || u.startsWith('/')) return u;
    return '/' + u;
  }

  function kindOf(url, declared) {
    const d = String(declared || '').toLowerCase();
    if (d.includes('separate')) return 'fmp4-separate';
    if (d.includes('merge') || d === 'fmp4' || d === 'm4s') return 'fmp4-merge';
    if (d === 'flv') return 'flv';
    if (d === 'mp4') return 'mp4';
    if (/\/output_separate\//.test(url)) return 'fmp4-separate';
    if (/\/output_merge\//.test(url)) return 'fmp4-merge';
    if (/\.flv(\?|$)/i.test(url)) return 'flv';
    if (/\.mp4(\?|$)/i.test(url)) return 'mp4';
    return 'other';
  }

  /** /flv/{app}/{stream}/… or /mp4/{app}/{stream}/… → {app, stream}. */
  function keyOf(url) {
    const m = /\/(?:flv|mp4)\/([^/]+)\/([^/]+)\//.exec(url);
    return m ? { app: decodeURIComponent(m[1]), stream: decodeURIComponent(m[2]) } : {};
  }

  /** Any listing JSON → [{app, stream, kind, url, name, size, modified, files}] with fMP4 segments grouped. */
  function normalize(json) {
    const raw = Array.isArray(json) ? json : (json && (json.recordings || json.items || json.files)) || [];
    const out = [];
    const groups = new Map();
    for (const e of raw) {
      if (!e || typeof e !== 'object') continue;
      const url = absolute(e.url || e.path || e.href || '');
      const key = keyOf(url);
      const item = {
        app: e.app || key.app || '', stream: e.stream || key.stream || '',
        kind: kindOf(url, e.kind || e.format || e.type), url,
        name: e.file || e.fileName || (url ? decodeURIComponent(url.split('/').filter(Boolean).pop() || '') : ''),
        size: typeof e.size === 'number' ? e.size : (typeof e.bytes === 'number' ? e.bytes : undefined),
        modified: e.modified || e.mtime || e.lastModified || e.createdAt || e.time || '',
        live: !!(e.live || e.recording),
        files: Array.isArray(e.files) ? e.files.map((f) => absolute(typeof f === 'string' ? f : f.url || f.path))
          : null,
      };
      if ((item.kind === 'fmp4-merge' || item.kind === 'fmp4-separate') && !item.files) {
        // A single segment or init file: gather it with its siblings.
        const dir = url.replace(/[^/]*$/, '');
        let g = groups.get(dir);
        if (!g) {
          g = Object.assign({}, item, { url: dir, name: dir.split('/').filter(Boolean).pop(), files: [], size: 0 });
          groups.set(dir, g);
          out.push(g);
        }
        g.files.push(url);
        if (item.size) g.size += item.size;
        if (item.modified > g.modified) g.modified = item.modified;
        continue;
      }
      out.push(item);
    }
    for (const g of groups.values()) g.files.sort(segmentOrder);
    return out;
  }

  /** Init segments first, then by the number in the name (seg_2 before seg_10), then by name. */
  function segmentOrder(a, b) {
    const ia = /init\.mp4$/i.test(a) ? 0 : 1;
    const ib = /init\.mp4$/i.test(b) ? 0 : 1;
    if (ia !== ib) return ia - ib;
    const na = Number((/(\d+)\D*$/.exec(a) || [])[1]);
    const nb = Number((/(\d+)\D*$/.exec(b) || [])[1]);
    if (!isNaN(na) && !isNaN(nb) && na !== nb) return na - nb;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /**
   * Reads the listing. Resolves to {available, status, items}; available is false when the server has no
   * listing (404) or no token was given (401).
   */
  async function list(filter) {
    if (!token.get()) return { available: false, status: 401, items: [] };
    let r;
    try {
      const q = new URLSearchParams();
      if (filter && filter.app) q.set('app', filter.app);
      if (filter && filter.stream) q.set('stream', filter.stream);
      r = await api(O.urls.recordings + (q.toString() ? '?' + q : ''));
    } catch (e) {
      return { available: false, status: 0, items: [] };
    }
    if (!r.ok) return { available: false, status: r.status, items: [] };
    let items = normalize(await r.json());
    if (filter && filter.app) items = items.filter((i) => !i.app || i.app === filter.app);
    if (filter && filter.stream) items = items.filter((i) => !i.stream || i.stream === filter.stream);
    return { available: true, status: r.status, items };
  }

  /** The page that plays a recording. */
  function playPage(item) {
    switch (item.kind) {
      case 'flv': return O.urls.page('video.html', { url: item.url });
      case 'mp4': return O.urls.page('mp4.html', { url: item.url });
      case 'fmp4-merge':
      case 'fmp4-separate':
        return O.urls.page('play_merge.html', { app: item.app, stream: item.stream,
          mode: item.kind === 'fmp4-separate' ? 'separate' : 'merge' });
      default: return item.url;
    }
  }

  /**
   * Plays one recorded file: probe (404 → "not found"), attach, then loading → playing → finished, with errors
   * said plainly. opts: video, status, url, label, attach(events) → destroy function (optional; default: the
   * <video> plays the URL itself), notFound (sentence).
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

  /** Lists this stream's recordings of the given kinds under the player as links (when the listing exists). */
  async function showOthers(el, app, stream, kinds) {
    if (!el) return;
    el.replaceChildren();
    if (!app || !stream) return;
    const r = await list({ app, stream });
    if (!r.available) {
      el.textContent = r.status === 401
        ? 'Open the console once in this tab (admin token) to list the recordings of a stream here.'
        : '';
      return;
    }
    const items = r.items.filter((i) => kinds.includes(i.kind));
    if (!items.length) {
      el.textContent = 'No recordings of ' + app + '/' + stream + ' yet.';
      return;
    }
    const h = document.createElement('h3');
    h.textContent = 'Recordings of ' + app + '/' + stream;
    const ul = document.createElement('ul');
    for (const i of items) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = playPage(i);
      a.textContent = i.name || i.url;
      li.append(a);
      if (i.size) li.append(' (' + O.formatBytes(i.size) + ')');
      ul.append(li);
    }
    el.append(h, ul);
  }

  O.token = token;
  O.api = api;
  O.recordings = { list, normalize, playPage, playRecording, showOthers, segmentOrder };
})();
