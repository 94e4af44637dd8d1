/*
 * mp4.html: a recorded MP4 played by the browser itself (HTTP Range makes it seekable).
 *   ?app=&stream=&session=yyyyMMdd_HHmmss   /mp4/{app}/{stream}/{session}/stream_full.mp4
 *   ?url=…                                  any MP4 URL
 * With app and stream only, the newest merged session from the stream's public listing (/mp4/{app}/{stream}/).
 */
(function () {
  'use strict';
  const O = window.Osprey;

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

  async function play(t, values, ui) {
    window.osprey.info = { url: t.url };
    let notFound = 'Recording not found: ' + (t.session ? 'no session ' + t.label + ' on this server.'
      : t.label + '.');
    if (t.index && (await O.probe(t.index)) === 200) {
      // The session exists but has no merged file (yet): it is still recording, or was cut and awaits a restart.
      notFound = 'Not merged yet: ' + t.label + ' has no stream_full.mp4 until the stream ends. Its segments'
        + ' play on the fMP4 segments page.';
    }
    if (!ui.current()) return null;
    return O.recordings.playRecording({ video: ui.video, status: ui.status, url: t.url, label: t.label, notFound });
  }

  O.recordings.page({ type: 'mp4', field: 'session', resolve, play });
})();
