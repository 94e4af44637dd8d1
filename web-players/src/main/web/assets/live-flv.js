/*
 * index.html: a live stream over HTTP-FLV (or WebSocket-FLV) through mpegts.js, and the copy-paste help for
 * publishing and playing it. ?app=live&stream=stream (the defaults), &ws=1 for WebSocket-FLV, or ?url=... for any
 * FLV URL (http(s):// or ws(s)://).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  const form = document.getElementById('pick');
  let session = null;
  let mediaInfo = {};
  let speed = 0;

  function describe(values) {
    if (values.url) {
      const ws = /^wss?:/i.test(values.url);
      return { url: values.url, ws, probeUrl: ws ? values.url.replace(/^ws/i, 'http') : values.url,
        label: values.url };
    }
    const ws = !!values.ws;
    return {
      url: ws ? O.urls.wsFlv(values.app, values.stream) : O.urls.flv(values.app, values.stream),
      ws,
      // The HTTP-FLV route answers HEAD at once (404 when the stream is not live); the WebSocket endpoint is
      // the same stream on the same plugin, so its HTTP twin says whether there is anything to connect to.
      probeUrl: O.urls.flv(values.app, values.stream),
      label: values.app + '/' + values.stream + (ws ? ' over WebSocket-FLV' : ' over HTTP-FLV'),
    };
  }

  function attach(target, events) {
    // Live, close to the edge (docs/benchmarks.md, "Latency in a browser": < 1 s behind the publisher on loopback).
    // The server starts a viewer at the last key frame, so up to a GOP arrives at once: jump when more than 1.5 s
    // is buffered ahead of the playhead (to 0.5 s before its end), and play 1.2x while more than 0.8 s is, until
    // 0.5 s is left. No stash buffer: every chunk is handed to the media source as it arrives.
    const player = mpegts.createPlayer({ type: 'flv', isLive: true, url: target.url }, {
      enableWorker: false,
      enableStashBuffer: false,
      lazyLoad: false,
      autoCleanupSourceBuffer: true,
      liveBufferLatencyChasing: true,
      liveBufferLatencyMaxLatency: 1.5,
      liveBufferLatencyMinRemain: 0.5,
      liveSync: true,
      liveSyncMaxLatency: 0.8,
      liveSyncTargetLatency: 0.5,
      liveSyncPlaybackRate: 1.2,
    });
    player.on(mpegts.Events.ERROR, (type, detail, info) => {
      events.failed(type + ' ' + detail + (info && info.msg ? ': ' + info.msg : ''));
    });
    // The server ends the response when the publisher leaves: that is "stream ended", not an error.
    player.on(mpegts.Events.LOADING_COMPLETE, () => events.ended());
    player.on(mpegts.Events.MEDIA_INFO, (mi) => { mediaInfo = mi || {}; });
    player.on(mpegts.Events.STATISTICS_INFO, (s) => { speed = s && s.speed ? s.speed : 0; });
    player.attachMediaElement(video);
    player.load();
    const p = player.play();
    if (p && p.catch) p.catch(() => {});
    return {
      destroy() {
        try { player.pause(); } catch (e) { /* already gone */ }
        player.unload();
        player.detachMediaElement();
        player.destroy();
      },
    };
  }

  function start(values) {
    if (session) session.stop();
    mediaInfo = {};
    if (!values.url && (!O.validName(values.app) || !O.validName(values.stream))) {
      status.set('error', 'App and stream names are 1–128 of A–Z a–z 0–9 _ - . (no leading - or ., no "..").');
      return;
    }
    if (!window.mpegts || !mpegts.getFeatureList().mseLivePlayback) {
      status.set('error', 'This browser cannot play HTTP-FLV (no Media Source Extensions). Try the HLS page.');
      return;
    }
    const target = describe(values);
    window.osprey.info.url = target.url;
    session = O.liveLoop({ video, status, label: target.label, probeUrl: () => target.probeUrl,
      attach: (events) => attach(target, events) });
    renderHelp(values);
  }

  function renderHelp(values) {
    const app = O.validName(values.app) ? values.app : 'live';
    const stream = O.validName(values.stream) ? values.stream : 'stream';
    const u = O.urls;
    document.getElementById('help-key').textContent = app + '/' + stream;
    document.getElementById('help-publish').replaceChildren(
      O.copyRow('OBS server', u.rtmpServer(app)),
      O.copyRow('OBS stream key', stream),
      O.copyRow('ffmpeg: publish a file', 'ffmpeg -re -i input.mp4 -c copy -f flv ' + u.rtmp(app, stream)),
      O.copyRow('ffmpeg: publish a test pattern (no file needed)',
        'ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 '
        + '-c:v libx264 -preset veryfast -tune zerolatency -g 60 -c:a aac -f flv ' + u.rtmp(app, stream)),
    );
    document.getElementById('help-play').replaceChildren(
      O.copyRow('HTTP-FLV (ffplay, VLC, mpegts.js)', u.flv(app, stream)),
      O.copyRow('WebSocket-FLV (mpegts.js)', u.wsFlv(app, stream)),
      O.copyRow('HLS and LL-HLS (Safari, hls.js, VLC)', u.hls(app, stream)),
      O.copyRow('RTMP (ffplay, VLC)', u.rtmp(app, stream)),
      O.copyRow('MP4 recording of a publish session (written when the stream ends)',
        u.mp4Sessions(app, stream) + '{session}/stream_full.mp4'),
      O.copyRow('fMP4 segments of a session, for MSE players (index.json lists them)',
        u.mp4Sessions(app, stream) + '{session}/index.json'),
      O.copyRow('FLV recordings, when FLV recording is on (one file per publish)',
        u.flvRecordings(app, stream) + '{yyyyMMdd_HHmmss}.flv'),
      O.copyRow('HLS player page', u.origin + u.page('play.html', { app, stream })),
      O.copyRow('This page', u.origin + u.page('', { app, stream })),
    );
  }

  setInterval(() => {
    if (window.osprey.state !== 'playing') {
      O.renderFacts(facts, {});
      return;
    }
    const f = O.videoFacts(video);
    if (mediaInfo.videoCodec) f.video = mediaInfo.videoCodec;
    if (mediaInfo.audioCodec) f.audio = mediaInfo.audioCodec;
    if (speed) f.download = Math.round(speed * 8) + ' kbit/s';
    O.renderFacts(facts, f);
  }, 1000);

  if (window.mpegts && mpegts.LoggingControl) {
    mpegts.LoggingControl.enableDebug = false;
    mpegts.LoggingControl.enableVerbose = false;
    mpegts.LoggingControl.enableInfo = false;
  }
  const initial = O.bindForm(form, { app: 'live', stream: 'stream' }, start);
  for (const name of ['app', 'stream']) {
    form.elements[name].addEventListener('input', () => renderHelp({
      app: form.elements.app.value.trim(), stream: form.elements.stream.value.trim() }));
  }
  document.getElementById('ws').addEventListener('change', () => form.requestSubmit());
  start(initial);
  // the publish addresses carry the server's RTMP port once GET /api/info has answered
  O.serverInfo.then(() => renderHelp({ app: form.elements.app.value.trim(), stream: form.elements.stream.value.trim() }));
})();
