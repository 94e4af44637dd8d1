/*
 * mp4.html: a recorded MP4 played by the browser itself (HTTP Range makes it seekable).
 * ?url=… or ?app=&stream=[&file=…] (default file: stream_full.mp4 under /mp4/{app}/{stream}/).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  let session = null;

  function start(values) {
    if (session) session.stop();
    let url = values.url;
    if (!url) {
      if (!O.validName(values.app) || !O.validName(values.stream)) {
        status.set('idle', 'Give an app and a stream (or the URL of an MP4 file) and press Play.');
        return;
      }
      const file = values.file || 'stream_full.mp4';
      if (file.split('/').some((p) => p === '..' || p === '.')) {
        status.set('error', 'The file name must stay inside the recording folder.');
        return;
      }
      url = O.urls.mp4Base(values.app, values.stream) + file.split('/').map(encodeURIComponent).join('/');
    }
    window.osprey.info = { url };
    const label = values.url ? values.url
      : values.app + '/' + values.stream + ' (' + (values.file || 'stream_full.mp4') + ')';
    session = O.recordings.playRecording({ video, status, url, label,
      notFound: 'Recording not found: ' + label + '. The MP4 is written when the stream ends.' });
    O.recordings.showOthers(document.getElementById('others'), values.app, values.stream, ['mp4', 'fmp4-merge',
      'fmp4-separate']);
  }

  setInterval(() => {
    const f = O.videoFacts(video);
    if (isFinite(video.duration)) f.duration = O.formatDuration(video.duration);
    O.renderFacts(facts, f);
  }, 1000);

  start(O.bindForm(document.getElementById('pick'), {}, start));
})();
