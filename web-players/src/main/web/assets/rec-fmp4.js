/*
 * play_merge.html: a stream's fMP4 recording, segment by segment through Media Source Extensions, read from the
 * session's index.json (public, written by fmp4-recorder):
 *   ?app=&stream=&session=yyyyMMdd_HHmmss   /mp4/{app}/{stream}/{session}/index.json
 *   ?url=…/index.json                       any session's index
 *   &mode=merge     the "merged" set (output_merge/init.mp4 + seg-NNNNN.m4s): one SourceBuffer
 *   &mode=separate  the "video" and "audio" sets (output_separate/): two SourceBuffers
 * With app and stream only, the newest session from the stream's public listing (/mp4/{app}/{stream}/). A session
 * that is still recording is followed: index.json is read again until its state changes.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  /** The query parameters a signed URL carries (auth plugin: expires + sign, or a token). */
  const SIGN_KEYS = ['expires', 'sign', 'token'];
  const video = document.getElementById('video');
  const POLL_MS = 1500;
  let appended = 0;

  /** {url, label} or {idle|bad|missing|unlisted: sentence}. */
  async function resolve(values) {
    if (values.url) return { url: values.url, label: values.url };
    if (!O.validName(values.app) || !O.validName(values.stream)) {
      return { idle: 'Give an app, a stream and a session (or the URL of a session\u2019s index.json) and press Play.' };
    }
    let name = values.session;
    if (!name) {
      // a session with segments: by default a merged session keeps only its MP4 (mp4.html plays that)
      const n = await O.recordings.newest(values.app, values.stream, 'mp4',
        (i) => !!(i.urls.merged || i.urls.video || i.urls.audio));
      if (!n.item) return n;
      name = n.item.session;
    }
    if (!O.validName(name)) return { bad: 'A session is the recording folder\u2019s name, like 20250101_120000.' };
    const index = new URL(O.urls.mp4Index(values.app, values.stream, name), location.href);
    const page = new URLSearchParams(location.search); // a signed page link carries the stream's signature
    for (const k of SIGN_KEYS) if (page.has(k)) index.searchParams.set(k, page.get(k));
    return { url: index.href,
      label: values.app + '/' + values.stream + ' · ' + name };
  }

  async function readIndex(url, signal) {
    const r = await fetch(url, { cache: 'no-store', signal });
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
    const json = await r.json();
    if (!json || typeof json.sets !== 'object' || json.sets === null) throw new Error('not a recording index');
    return json;
  }

  /** The sets to play for a mode: the other mode's when this session has only those. */
  function pick(index, mode) {
    const sets = index.sets;
    const merged = sets.merged ? [['merged', sets.merged]] : [];
    const separate = ['video', 'audio'].filter((k) => sets[k]).map((k) => [k, sets[k]]);
    if (mode === 'separate') return separate.length ? { mode, sets: separate } : { mode: 'merge', sets: merged };
    return merged.length ? { mode: 'merge', sets: merged } : { mode: 'separate', sets: separate };
  }

  /**
   * The segments of each chosen set, following index.json while the session is recording. A session left
   * "recording" by a crash stops being waited for when nothing new comes for a while.
   */
  function follow(indexUrl, first, chosen, signal) {
    const index0 = new URL(indexUrl, location.href);
    const base = new URL('.', index0).href;
    // a signed session (auth plugin: ?expires=&sign=, or ?token=) passes its signature on to every segment
    const carry = SIGN_KEYS.filter((k) => index0.searchParams.has(k));
    const abs = (uri) => {
      const u = new URL(uri, base);
      for (const k of carry) if (!u.searchParams.has(k)) u.searchParams.set(k, index0.searchParams.get(k));
      return u.href;
    };
    const tracks = chosen.sets.map(([name, set]) => ({ name, set, segments: (set.segments || []).map((s) => s.uri) }));
    let index = first;
    let refreshing = null;
    let lastGrowth = performance.now();
    const longest = () => Math.max(2, ...tracks.flatMap((t) => (t.set.segments || []).map((s) => s.duration || 0)));
    const growing = () => index.state === 'recording'
      && performance.now() - lastGrowth < Math.max(15000, 3000 * longest());

    function refresh() {
      if (!refreshing) {
        refreshing = (async () => {
          await new Promise((r) => setTimeout(r, POLL_MS));
          try {
            const next = await readIndex(indexUrl, signal);
            for (const t of tracks) {
              const set = next.sets[t.name];
              if (!set) continue;
              const uris = (set.segments || []).map((s) => s.uri);
              if (uris.length > t.segments.length) lastGrowth = performance.now();
              t.set = set;
              t.segments = uris;
            }
            index = next;
            window.osprey.info.state = index.state;
          } catch (e) {
            if (signal.aborted) throw e;
            O.recordWarning('index.json: ' + e.message);
          } finally {
            refreshing = null;
          }
        })();
      }
      return refreshing;
    }

    return {
      tracks,
      abs,
      live: () => index.state === 'recording',
      async segment(track, i) {
        while (i >= track.segments.length) {
          if (!growing() || signal.aborted) return null;
          await refresh();
        }
        return abs(track.segments[i]);
      },
    };
  }

  function attach(target, first, chosen, events) {
    const ctl = new AbortController();
    const ms = new MediaSource();
    const objectUrl = URL.createObjectURL(ms);
    const f = follow(target.url, first, chosen, ctl.signal);
    appended = 0;
    video.src = objectUrl;
    ms.addEventListener('sourceopen', async () => {
      try {
        const inits = await Promise.all(f.tracks.map((t) => O.fmp4.fetchBytes(f.abs(t.set.init), ctl.signal)));
        // The index names each set's MIME type with its codecs; the init segment's sample entries say the same.
        const parsed = inits.map((b) => O.fmp4.mime(O.fmp4.codecs(b)));
        const types = f.tracks.map((t, i) => (t.set.mime && MediaSource.isTypeSupported(t.set.mime) ? t.set.mime
          : parsed[i]));
        window.osprey.info.types = types;
        window.osprey.info.typesFromInit = parsed;
        types.forEach((type) => {
          if (!MediaSource.isTypeSupported(type)) throw new Error('this browser cannot play ' + type);
        });
        let jumped = false;
        const feeds = f.tracks.map((t, i) => O.fmp4.feed({
          ms, video, type: types[i], init: inits[i], segment: (n) => f.segment(t, n), signal: ctl.signal,
          onProgress: (n) => {
            appended++;
            // Recordings keep the stream's timestamps: start where the media starts.
            if (!jumped && video.buffered.length && video.buffered.start(0) > video.currentTime + 0.1) {
              jumped = true;
              video.currentTime = video.buffered.start(0);
              window.osprey.info.startsAt = video.buffered.start(0);
            }
            if (n === 1) video.play().catch(() => {});
          },
        }));
        await Promise.all(feeds);
        if (ms.readyState === 'open') ms.endOfStream();
      } catch (e) {
        if (!ctl.signal.aborted) events.failed(e.message || String(e));
      }
    }, { once: true });
    return () => {
      ctl.abort();
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(objectUrl);
    };
  }

  async function play(t, values, ui) {
    const { status, current } = ui;
    // index.json answers at once: 404 says there is no such session.
    let index;
    try {
      const r = await fetch(t.url, { cache: 'no-store' });
      if (!current()) return null;
      if (r.status === 404 || r.status === 410) {
        status.set('notfound', 'Recording not found: no session ' + t.label + ' on this server.');
        return null;
      }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      index = await r.json();
      if (!index || typeof index.sets !== 'object' || index.sets === null) throw new Error('not a recording index');
    } catch (e) {
      if (current()) status.set('error', 'Cannot read ' + t.url + ': ' + e.message);
      return null;
    }
    if (!current()) return null;
    const chosen = pick(index, values.mode === 'separate' ? 'separate' : 'merge');
    if (!chosen.sets.length) {
      status.set('notfound', 'Recording not found: ' + t.label + ' has no segments'
        + (index.full ? ' (only its MP4 was kept after the merge: mp4.html plays it).' : '.'));
      return null;
    }
    // A session given by its URL is named by what its index says it is.
    if (values.url && typeof index.stream === 'string' && typeof index.session === 'string') {
      t.label = index.stream + ' · ' + index.session;
    }
    const label = t.label + ' · ' + (chosen.mode === 'separate' ? 'separate A/V' : 'merged A/V');
    window.osprey.info = { url: t.url, mode: chosen.mode, state: index.state,
      sets: chosen.sets.map(([name, set]) => ({ name, init: set.init, segments: (set.segments || []).length })) };
    return O.recordings.playRecording({ video, status, url: t.url, label,
      attach: (events) => attach(t, index, chosen, events) });
  }

  O.recordings.page({ type: 'mp4', field: 'session', defaults: { app: 'live', mode: 'merge' }, resolve, play,
    check: () => (window.MediaSource ? null
      : 'This browser has no Media Source Extensions; play the MP4 recording instead.'),
    facts: (f) => {
      if (window.osprey.info.sets) {
        f.segments = appended + ' appended' + (window.osprey.info.state === 'recording'
          ? ', following the recording as it grows' : '');
      }
    } });
})();
