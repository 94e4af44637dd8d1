/*
 * video.html: a recorded FLV through mpegts.js (seeking by HTTP Range where the file has a keyframe index).
 *   ?app=&stream=&file=yyyyMMdd_HHmmss.flv   /flv/{app}/{stream}/{file} (httpflv's FLV recording)
 *   ?url=…                                   any FLV URL
 * With app and stream only, the newest FLV recording of the stream from its public listing (/flv/{app}/{stream}/).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  let session = null;
  let mediaInfo = {};
  let run = 0;

  function attach(url, events) {
    const player = mpegts.createPlayer({ type: 'flv', isLive: false, url }, {
      enableWorker: false, seekType: 'range', lazyLoad: true, accurateSeek: true,
    });
    player.on(mpegts.Events.ERROR, (type, detail, info) => {
      events.failed(type + ' ' + detail + (info && info.msg ? ': ' + info.msg : ''));
    });
    player.on(mpegts.Events.MEDIA_INFO, (mi) => { mediaInfo = mi || {}; });
    player.attachMediaElement(video);
    player.load();
    return () => {
      player.unload();
      player.detachMediaElement();
      player.destroy();
    };
  }

  /** {url, label} or {idle|bad|missing|unlisted: sentence}. */
  async function resolve(values) {
    if (values.url) return { url: values.url, label: values.url };
    if (!O.validName(values.app) || !O.validName(values.stream)) {
      return { idle: 'Give an app, a stream and a file (or the URL of an FLV file) and press Play.' };
    }
    let file = values.file;
    if (!file) {
      const n = await O.recordings.newest(values.app, values.stream, 'flv');
      if (!n.item) return n;
      file = O.recordings.flvFile(n.item);
    }
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.flv$/.test(file) || file.includes('..')) {
      return { bad: 'A recording file name looks like 20250101_120000.flv.' };
    }
    return { url: O.urls.flvRecording(values.app, values.stream, file),
      label: values.app + '/' + values.stream + ' · ' + file };
  }

  async function start(values) {
    if (session) session.stop();
    session = null;
    mediaInfo = {};
    const mine = ++run;
    if (!window.mpegts || !mpegts.getFeatureList().mseLivePlayback) {
      status.set('error', 'This browser cannot play FLV (no Media Source Extensions).');
      return;
    }
    status.set('loading', 'Looking for the recording…');
    const t = await resolve(values);
    if (mine !== run) return;
    if (t.idle) { status.set('idle', t.idle); return; }
    if (t.bad) { status.set('error', t.bad); return; }
    if (t.unlisted) { status.set('idle', t.unlisted); return; }
    if (t.missing) { status.set('notfound', t.missing); return; }
    window.osprey.info = { url: t.url };
    session = O.recordings.playRecording({ video, status, url: t.url, label: t.label,
      notFound: 'Recording not found: ' + t.label + ' is not on this server (FLV recording is on only with'
        + ' plugins.httpflv.record.enabled: true).',
      attach: (events) => attach(t.url, events) });
    O.recordings.showOthers(document.getElementById('others'), values.app, values.stream, 'flv');
  }

  setInterval(() => {
    if (!['playing', 'paused', 'finished'].includes(window.osprey.state)) {
      O.renderFacts(facts, {});
      return;
    }
    const f = O.videoFacts(video);
    if (isFinite(video.duration)) f.duration = O.formatDuration(video.duration);
    if (mediaInfo.videoCodec) f.video = mediaInfo.videoCodec;
    if (mediaInfo.audioCodec) f.audio = mediaInfo.audioCodec;
    O.renderFacts(facts, f);
  }, 1000);

  if (window.mpegts && mpegts.LoggingControl) {
    mpegts.LoggingControl.enableDebug = false;
    mpegts.LoggingControl.enableVerbose = false;
    mpegts.LoggingControl.enableInfo = false;
  }
  const form = document.getElementById('pick');
  start(O.bindForm(form, { app: 'live' }, start));
  O.recordings.bindPicker(form, 'flv', 'file');
})();
