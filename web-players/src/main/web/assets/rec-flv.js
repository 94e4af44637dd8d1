/*
 * video.html: a recorded FLV through mpegts.js (seeking by HTTP Range where the file has a keyframe index).
 *   ?app=&stream=&file=yyyyMMdd_HHmmss.flv   /flv/{app}/{stream}/{file} (httpflv's FLV recording)
 *   ?url=…                                   any FLV URL
 * With app and stream only, the newest FLV recording of the stream from its public listing (/flv/{app}/{stream}/).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  let mediaInfo = {};

  function attach(video, url, events) {
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

  function play(t, values, ui) {
    window.osprey.info = { url: t.url };
    return O.recordings.playRecording({ video: ui.video, status: ui.status, url: t.url, label: t.label,
      notFound: 'Recording not found: ' + t.label + ' is not on this server (FLV recording is on only with'
        + ' plugins.httpflv.record.enabled: true).',
      attach: (events) => attach(ui.video, t.url, events) });
  }

  if (window.mpegts && mpegts.LoggingControl) {
    mpegts.LoggingControl.enableDebug = false;
    mpegts.LoggingControl.enableVerbose = false;
    mpegts.LoggingControl.enableInfo = false;
  }
  O.recordings.page({ type: 'flv', field: 'file', resolve, play,
    check: () => (!window.mpegts || !mpegts.getFeatureList().mseLivePlayback
      ? 'This browser cannot play FLV (no Media Source Extensions).' : null),
    reset: () => { mediaInfo = {}; },
    facts: (f) => {
      if (mediaInfo.videoCodec) f.video = mediaInfo.videoCodec;
      if (mediaInfo.audioCodec) f.audio = mediaInfo.audioCodec;
    } });
})();
