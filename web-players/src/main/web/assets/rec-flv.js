/*
 * video.html: a recorded FLV through mpegts.js (seeking by HTTP Range where the file has a keyframe index).
 * ?url=… or ?app=&stream=&file=yyyyMMdd_HHmmss.flv; with app and stream only, the newest FLV recording of the
 * stream from the recordings listing.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  let session = null;
  let mediaInfo = {};

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

  async function resolve(values) {
    if (values.url) return { url: values.url, label: values.url };
    if (!O.validName(values.app) || !O.validName(values.stream)) return null;
    let file = values.file;
    if (!file) {
      const r = await O.recordings.list({ app: values.app, stream: values.stream });
      const flvs = r.items.filter((i) => i.kind === 'flv').sort((a, b) => (a.name < b.name ? 1 : -1));
      if (!flvs.length) {
        return { missing: r.available ? 'No FLV recording of ' + values.app + '/' + values.stream + ' yet.'
          : 'Give the file name (yyyyMMdd_HHmmss.flv) or open the console in this tab to list recordings.' };
      }
      return { url: flvs[0].url, label: values.app + '/' + values.stream + ' (' + flvs[0].name + ')' };
    }
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.flv$/.test(file) || file.includes('..')) return { bad: true };
    return { url: O.urls.flvRecording(values.app, values.stream, file),
      label: values.app + '/' + values.stream + ' (' + file + ')' };
  }

  async function start(values) {
    if (session) session.stop();
    session = null;
    mediaInfo = {};
    if (!window.mpegts || !mpegts.getFeatureList().mseLivePlayback) {
      status.set('error', 'This browser cannot play FLV (no Media Source Extensions).');
      return;
    }
    status.set('loading', 'Looking for the recording…');
    const target = await resolve(values);
    if (!target) {
      status.set('idle', 'Give an app, a stream and a file (or the URL of an FLV file) and press Play.');
      return;
    }
    if (target.bad) {
      status.set('error', 'A recording file name looks like 20250101_120000.flv.');
      return;
    }
    if (target.missing) {
      status.set('notfound', target.missing);
      return;
    }
    window.osprey.info = { url: target.url };
    session = O.recordings.playRecording({ video, status, url: target.url, label: target.label,
      attach: (events) => attach(target.url, events) });
    O.recordings.showOthers(document.getElementById('others'), values.app, values.stream, ['flv']);
  }

  setInterval(() => {
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
  start(O.bindForm(document.getElementById('pick'), {}, start));
})();
