/*
 * play_merge.html: a stream's fMP4 recording, segment by segment through Media Source Extensions.
 *   ?app=&stream=&mode=merge     output_merge/init.mp4 + its .m4s segments, one SourceBuffer
 *   ?app=&stream=&mode=separate  output_separate/video_init.mp4 + audio_init.mp4 and their segments, two
 * The segments come from ?segments=a.m4s,b.m4s (merge) or ?video=…&audio=… (separate), names relative to the
 * recording folder or absolute paths; otherwise from the recordings listing (admin token in this tab).
 * ?base=/some/folder/ plays a recording kept elsewhere (its output_merge/ or output_separate/ inside).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  let session = null;
  let appended = 0;
  let total = 0;

  function resolveIn(folder, list) {
    return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
      if (/^https?:\/\//i.test(s) || s.startsWith('/')) return s;
      if (s.split('/').some((p) => p === '..' || p === '.')) throw new Error('segment names stay in the folder');
      return folder + s.split('/').map(encodeURIComponent).join('/');
    });
  }

  /** {tracks: [{init, segments}]} or {missing: sentence}. */
  async function plan(values) {
    const q = O.params();
    const base = values.base || O.urls.mp4Base(values.app, values.stream);
    if (values.mode === 'separate') {
      const folder = base + 'output_separate/';
      const vInit = folder + 'video_init.mp4';
      const aInit = folder + 'audio_init.mp4';
      if (q.get('video') || q.get('audio')) {
        const tracks = [];
        if (q.get('video')) tracks.push({ kind: 'video', init: vInit, segments: resolveIn(folder, q.get('video')) });
        if (q.get('audio')) tracks.push({ kind: 'audio', init: aInit, segments: resolveIn(folder, q.get('audio')) });
        return { tracks, probe: tracks[0].init };
      }
      const r = await O.recordings.list({ app: values.app, stream: values.stream });
      const item = r.items.find((i) => i.kind === 'fmp4-separate');
      if (!item) return missing(r, values);
      const files = item.files.filter((f) => !/init\.mp4$/i.test(f));
      const pick = (k) => files.filter((f) => new RegExp('(^|/)' + k + '[^/]*$', 'i').test(f));
      const tracks = [];
      if (item.files.some((f) => /video_init\.mp4$/i.test(f)) || pick('video').length) {
        tracks.push({ kind: 'video', init: vInit, segments: pick('video') });
      }
      if (item.files.some((f) => /audio_init\.mp4$/i.test(f)) || pick('audio').length) {
        tracks.push({ kind: 'audio', init: aInit, segments: pick('audio') });
      }
      return { tracks, probe: vInit };
    }
    const folder = base + 'output_merge/';
    const init = q.get('init') ? resolveIn(folder, q.get('init'))[0] : folder + 'init.mp4';
    if (q.get('segments')) return { tracks: [{ kind: 'merged', init, segments: resolveIn(folder, q.get('segments')) }],
      probe: init };
    const r = await O.recordings.list({ app: values.app, stream: values.stream });
    const item = r.items.find((i) => i.kind === 'fmp4-merge');
    if (!item) return missing(r, values);
    return { tracks: [{ kind: 'merged', init, segments: item.files.filter((f) => !/init\.mp4$/i.test(f)) }],
      probe: init };
  }

  function missing(r, values) {
    if (r.available) return { missing: 'No fMP4 recording of ' + values.app + '/' + values.stream + ' ('
      + values.mode + ') in the recordings listing.' };
    return { unlisted: r.status === 401
      ? 'Open the console once in this tab (admin token) so this page can list the segments, or give ?segments=.'
      : 'This server has no recordings listing; give the segments in the address (?segments=a.m4s,b.m4s).' };
  }

  function attach(p, events) {
    const ctl = new AbortController();
    const ms = new MediaSource();
    const objectUrl = URL.createObjectURL(ms);
    appended = 0;
    total = p.tracks.reduce((n, t) => n + t.segments.length, 0);
    video.src = objectUrl;
    ms.addEventListener('sourceopen', async () => {
      try {
        const types = [];
        for (const t of p.tracks) {
          const r = await fetch(t.init, { signal: ctl.signal });
          if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + t.init);
          const bytes = await r.arrayBuffer();
          const type = O.fmp4.mime(O.fmp4.codecs(bytes));
          if (!MediaSource.isTypeSupported(type)) throw new Error('this browser cannot play ' + type);
          types.push(type);
        }
        window.osprey.info.types = types;
        let jumped = false;
        const feeds = p.tracks.map((t, i) => O.fmp4.feed({
          ms, video, type: types[i], init: t.init, segments: t.segments, signal: ctl.signal,
          onProgress: (n, sb) => {
            if (n > 0) appended++;
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

  async function start(values) {
    if (session) session.stop();
    session = null;
    const b = O.params().get('base');
    values.base = b && b.startsWith('/') && !b.split('/').includes('..') ? b.replace(/\/?$/, '/') : '';
    if (!values.base && (!O.validName(values.app) || !O.validName(values.stream))) {
      status.set('idle', 'Give an app and a stream and press Play.');
      return;
    }
    if (!window.MediaSource) {
      status.set('error', 'This browser has no Media Source Extensions; play the MP4 recording instead.');
      return;
    }
    values.mode = values.mode === 'separate' ? 'separate' : 'merge';
    status.set('loading', 'Looking for the segments…');
    let p;
    try {
      p = await plan(values);
    } catch (e) {
      status.set('error', e.message);
      return;
    }
    if (p.missing) { status.set('notfound', p.missing); return; }
    if (p.unlisted) { status.set('error', p.unlisted); return; }
    const label = (values.base || values.app + '/' + values.stream) + ' ('
      + (values.mode === 'separate' ? 'separate A/V' : 'merged A/V') + ', '
      + p.tracks.map((t) => t.segments.length).join(' + ') + ' segments)';
    window.osprey.info = { tracks: p.tracks.map((t) => ({ kind: t.kind, init: t.init, segments: t.segments.length })) };
    session = O.recordings.playRecording({ video, status, url: p.probe, probeUrl: p.probe, label,
      notFound: 'Recording not found: no ' + (values.mode === 'separate' ? 'output_separate' : 'output_merge')
        + ' init segment for ' + (values.base || values.app + '/' + values.stream) + '.',
      attach: (events) => attach(p, events) });
  }

  setInterval(() => {
    const f = O.videoFacts(video);
    if (total) f.segments = appended + ' / ' + total;
    O.renderFacts(facts, f);
  }, 1000);

  start(O.bindForm(document.getElementById('pick'), { mode: 'merge' }, start));
})();
