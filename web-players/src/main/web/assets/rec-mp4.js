/*
 * mp4.html: a recorded MP4 played by the browser itself (HTTP Range makes it seekable).
 *   ?app=&stream=&session=yyyyMMdd_HHmmss   /mp4/{app}/{stream}/{session}/stream_full.mp4
 *   ?url=…                                  any MP4 URL
 * With app and stream only, the newest merged session from the stream's public listing (/mp4/{app}/{stream}/).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  let session = null;
  let run = 0;

  /** {url, label, index} or {idle|missing|unlisted|bad: sentence}. */
  async function resolve(values) {
    if (values.url) return { url: values.url, label: values.url };
    if (!O.validName(values.app) || !O.validName(values.stream)) {
      return { idle: 'Give an app, a stream and a session (or the URL of an MP4 file) and press Play.' };
    }
    let name = values.session;
    if (!name) {
      const n = await O.recordings.newest(values.app, values.stream, 'mp4', (i) => !!i.urls.full);
      if (!n.item) return n;
      name = n.item.session;
    }
    if (!O.validName(name)) return { bad: 'A session is the recording folder\u2019s name, like 20250101_120000.' };
    return { url: O.urls.mp4Full(values.app, values.stream, name), index: O.urls.mp4Index(values.app, values.stream,
      name), label: values.app + '/' + values.stream + ' · ' + name, session: name };
  }

  async function start(values) {
    if (session) session.stop();
    session = null;
    const mine = ++run;
    status.set('loading', 'Looking for the recording…');
    const t = await resolve(values);
    if (mine !== run) return;
    if (t.idle) { status.set('idle', t.idle); return; }
    if (t.bad) { status.set('error', t.bad); return; }
    if (t.unlisted) { status.set('idle', t.unlisted); return; }
    if (t.missing) { status.set('notfound', t.missing); return; }
    window.osprey.info = { url: t.url };
    let notFound = 'Recording not found: ' + (t.session ? 'no session ' + t.label + ' on this server.'
      : t.label + '.');
    if (t.index && (await O.probe(t.index)) === 200) {
      // The session exists but has no merged file (yet): it is still recording, or was cut and awaits a restart.
      notFound = 'Not merged yet: ' + t.label + ' has no stream_full.mp4 until the stream ends. Its segments'
        + ' play on the fMP4 segments page.';
    }
    if (mine !== run) return;
    session = O.recordings.playRecording({ video, status, url: t.url, label: t.label, notFound });
    O.recordings.showOthers(document.getElementById('others'), values.app, values.stream, 'mp4');
  }

  setInterval(() => {
    if (!['playing', 'paused', 'finished'].includes(window.osprey.state)) {
      O.renderFacts(facts, {});
      return;
    }
    const f = O.videoFacts(video);
    if (isFinite(video.duration)) f.duration = O.formatDuration(video.duration);
    O.renderFacts(facts, f);
  }, 1000);

  const form = document.getElementById('pick');
  start(O.bindForm(form, { app: 'live' }, start));
  O.recordings.bindPicker(form, 'mp4', 'session');
})();
