/*
 * play.html: a live stream over HLS. hls.js where Media Source Extensions exist; the browser's own HLS on Safari
 * (and wherever hls.js cannot run). ?app=&stream= (or ?url= for any playlist), &ll=1 for low latency (LL-HLS),
 * &engine=native|hlsjs to force one. An app/stream opens the stream's master playlist, which lists its transcoded
 * renditions (if the transcode plugin has a ladder for the app): hls.js switches between them by itself ("Auto"), or
 * the selector pins one.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const video = document.getElementById('video');
  const status = new O.Status(document.getElementById('status'));
  const facts = document.getElementById('facts');
  const form = document.getElementById('pick');
  let session = null;
  let hls = null;
  const levels = document.getElementById('level');
  levels.addEventListener('change', () => {
    if (hls) hls.currentLevel = Number(levels.value); // -1: automatic switching
  });

  /** Safari plays HLS itself; so does anything without MSE. Chromium may claim "maybe" too: prefer hls.js there. */
  function useNative(engine) {
    const can = video.canPlayType('application/vnd.apple.mpegurl') !== '';
    if (engine === 'native') return can;
    if (engine === 'hlsjs') return false;
    const apple = /Apple/.test(navigator.vendor || '');
    return can && (apple || !(window.Hls && Hls.isSupported()));
  }

  /**
   * What is really played, said in the status: a playlist without parts (EXT-X-PART-INF) plays as normal HLS
   * even with the low-latency switch on, so the page says "over HLS (no LL-HLS parts…)" rather than "over LL-HLS".
   */
  function playedAs(loop, lowLatency, partTarget) {
    const ll = lowLatency && partTarget > 0;
    window.osprey.info.playedAs = ll ? 'LL-HLS' : 'HLS';
    const label = loop.name + (ll ? ' over LL-HLS' : lowLatency
      ? ' over HLS (its playlist has no LL-HLS parts)' : ' over HLS');
    if (label === loop.label) return;
    loop.label = label;
    if (status.state === 'playing') status.set('playing', 'Playing ' + label);
  }

  function attachHlsJs(url, lowLatency, events, loop) {
    hls = new Hls({
      lowLatencyMode: lowLatency,
      backBufferLength: 30,
      // LL-HLS: hls.js plays PART-HOLD-BACK behind the live edge; after a slow start or a stall it may play up to
      // 1.5x to get back there (hls.js's default, 1, never catches up). Each stall it reports (any underrun after
      // playback started) moves that target back by 0.25 s rather than hls.js's 1 s, at most one target duration.
      // Plain HLS stays 3 target durations behind.
      maxLiveSyncPlaybackRate: 1.5,
      liveSyncOnStallIncrease: 0.25,
      // A playlist that went away is reported by the probe of the reconnect loop: fail fast, do not spin.
      manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 10000,
        timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 1, retryDelayMs: 500, maxRetryDelayMs: 1000 } } },
      playlistLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 10000,
        timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 2, retryDelayMs: 500, maxRetryDelayMs: 2000 } } },
    });
    const mine = hls;
    let checking = false;
    mine.on(Hls.Events.ERROR, (ev, data) => {
      const code = data.response && data.response.code;
      const what = data.type + ' ' + data.details + (code ? ' (HTTP ' + code + ')' : '');
      if (data.fatal) {
        events.failed(what);
        return;
      }
      O.recordWarning(what);
      // hls.js keeps playing what it has when a playlist or segment is gone; ask the playlist itself whether the
      // stream ended rather than waiting for the picture to run dry.
      if ((code === 404 || code === 410) && !checking) {
        checking = true;
        O.probe(url).then((status) => {
          checking = false;
          if (status === 404 || status === 410) events.ended();
        });
      }
    });
    mine.on(Hls.Events.LEVEL_LOADED, (ev, data) => {
      const d = data.details;
      window.osprey.info.live = d.live;
      window.osprey.info.partTarget = d.partTarget || 0;
      window.osprey.info.parts = d.partList ? d.partList.length : 0;
      window.osprey.info.canBlockReload = !!d.canBlockReload;
      window.osprey.info.targetDuration = d.targetduration;
      // LL-HLS needs parts in the playlist: the hls plugin makes them for fMP4 (or with lowLatency: on).
      const note = document.getElementById('ll-note');
      note.classList.toggle('hidden', !(lowLatency && !d.partTarget));
      playedAs(loop, lowLatency, d.partTarget || 0);
    });
    mine.on(Hls.Events.MANIFEST_PARSED, (ev, data) => {
      window.osprey.info.levels = data.levels.map((l) => l.height);
      levels.textContent = '';
      levels.append(new Option('Auto', '-1'));
      data.levels.forEach((l, i) => levels.append(new Option((l.height ? l.height + 'p ' : '')
        + (l.bitrate ? O.formatBits(l.bitrate) : ''), String(i))));
      levels.disabled = data.levels.length < 2;
    });
    mine.on(Hls.Events.LEVEL_SWITCHED, (ev, data) => {
      window.osprey.info.level = data.level;
    });
    mine.loadSource(url);
    mine.attachMedia(video);
    return () => {
      mine.destroy();
      if (hls === mine) hls = null;
    };
  }

  function attachNative(url, events) {
    const onError = () => events.failed('media error ' + (video.error ? video.error.code : ''));
    video.addEventListener('error', onError);
    video.src = url;
    video.load();
    return () => {
      video.removeEventListener('error', onError);
      video.removeAttribute('src');
      video.load();
    };
  }

  function start(values) {
    if (session) session.stop();
    if (!values.url && (!O.validName(values.app) || !O.validName(values.stream))) {
      status.set('error', 'App and stream names are 1–128 of A–Z a–z 0–9 _ - . (no leading - or ., no "..").');
      return;
    }
    const url = values.url || O.urls.hlsMaster(values.app, values.stream);
    levels.textContent = '';
    levels.append(new Option('Auto', '-1'));
    levels.disabled = true;
    const native = useNative(O.params().get('engine'));
    if (!native && !(window.Hls && Hls.isSupported())) {
      status.set('error', 'This browser can play neither HLS nor Media Source Extensions.');
      return;
    }
    const ll = !!values.ll;
    document.getElementById('ll-note').classList.add('hidden');
    window.osprey.info = { url, engine: native ? 'native' : 'hls.js', lowLatency: ll };
    const name = values.url || values.app + '/' + values.stream;
    // until the playlist is read, the switch is all there is to go by; hls.js then says what is played
    const loop = {
      video, status, name, label: name + (ll ? ' over LL-HLS' : ' over HLS'),
      // The playlist answers at once: 404 when the stream is not live (or the hls plugin is off).
      probeUrl: () => url,
      attach: (events) => {
        const detach = native ? attachNative(url, events) : attachHlsJs(url, ll, events, loop);
        // A playlist with EXT-X-ENDLIST plays to its end: the stream ended.
        const onEnded = () => events.ended();
        video.addEventListener('ended', onEnded);
        return { destroy() { video.removeEventListener('ended', onEnded); detach(); } };
      },
    };
    session = O.liveLoop(loop);
  }

  setInterval(() => {
    if (window.osprey.state !== 'playing') {
      O.renderFacts(facts, {});
      return;
    }
    const f = O.videoFacts(video);
    f.engine = window.osprey.info.engine;
    if (hls) {
      if (hls.latency > 0) f.latency = hls.latency.toFixed(1) + ' s';
      const lvl = hls.levels && hls.levels[hls.currentLevel];
      if (lvl && lvl.bitrate) f.bitrate = O.formatBits(lvl.bitrate);
      if (lvl && lvl.height && hls.levels.length > 1) {
        f.rendition = lvl.width + 'x' + lvl.height + (hls.autoLevelEnabled ? ' (auto)' : '');
      }
      if (window.osprey.info.partTarget) f.parts = window.osprey.info.partTarget.toFixed(2) + ' s';
    }
    O.renderFacts(facts, f);
  }, 1000);

  start(O.bindForm(form, { app: 'live', stream: 'stream' }, start));
  document.getElementById('ll').addEventListener('change', () => form.requestSubmit());
})();
