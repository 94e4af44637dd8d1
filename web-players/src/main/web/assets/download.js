/*
 * The Download page: /api/passthrough/info for the card, then /api/passthrough/download written to disk as it
 * arrives (showSaveFilePicker + a WritableStream) with progress against the info's estimate, speed and cancel;
 * a plain download link where the browser has no file picker. window.osprey.download exposes the state for tests.
 * Uses the shared helpers of osprey.js (Osprey.Status, formatBytes, formatDuration), loaded first.
 */
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = (window.osprey = window.osprey || {}).download = { phase: 'idle', bytes: 0, estimate: 0, message: '' };
  let info = null;
  let controller = null;

  function show(el, on) { el.classList.toggle('hidden', !on); }

  const box = new Osprey.Status($('dl-status'));

  function status(kind, text) {
    box.set(kind, text);
    show($('dl-status'), !!text);
    state.message = text;
  }

  function params() {
    const q = new URLSearchParams({ url: $('dl-url').value.trim() });
    const audio = $('dl-audio').value.trim();
    if (audio) q.set('audio', audio);
    return q;
  }

  function size(n) {
    return n || n === 0 ? Osprey.formatBytes(n) : '?';
  }

  function clock(s) {
    return s ? Osprey.formatDuration(s) : 'unknown length';
  }

  /** A clear sentence for an error answer. */
  async function explain(res) {
    let reason = '';
    try { reason = (await res.json()).error || ''; } catch (e) { /* not JSON */ }
    if (res.status === 503) {
      const after = res.headers.get('Retry-After') || '5';
      return 'Server busy, retry in ' + after + ' s.';
    }
    if (res.status === 429) return 'Too many requests: ' + reason + ' Retry in ' + (res.headers.get('Retry-After') || '?') + ' s.';
    if (res.status === 404) return 'Not found: ' + (reason || 'the source answered 404.');
    if (res.status === 400 || res.status === 403) return 'Refused: ' + reason;
    if (res.status === 415) return 'Not a video: ' + reason;
    if (res.status === 504) return 'The source is too slow: ' + reason;
    return 'Failed (' + res.status + '): ' + (reason || res.statusText);
  }

  async function getInfo(ev) {
    ev.preventDefault();
    show($('dl-card'), false);
    status('loading', 'Reading the source…');
    state.phase = 'info';
    try {
      const res = await fetch('/api/passthrough/info?' + params());
      if (!res.ok) {
        state.phase = 'error';
        status('error', await explain(res));
        return;
      }
      info = await res.json();
      card(info);
      status('', '');
      state.phase = 'ready';
    } catch (e) {
      state.phase = 'error';
      status('error', 'Cannot reach the server: ' + e.message);
    }
  }

  function card(i) {
    $('dl-title').textContent = i.title || 'Untitled';
    const video = i.tracks.find((t) => t.kind === 'video');
    $('dl-facts').textContent = [clock(i.duration), i.container,
      video && video.width ? video.width + '×' + video.height : null,
      'about ' + size(i.estimatedBytes)].filter(Boolean).join(' · ');
    const list = $('dl-tracks');
    list.textContent = '';
    for (const t of i.tracks) {
      const li = document.createElement('li');
      li.textContent = t.kind + ': ' + [t.codec, t.width ? t.width + '×' + t.height : null, t.fps ? t.fps + ' fps' : null,
        t.sampleRate ? t.sampleRate + ' Hz' : null, t.channels ? t.channels + ' ch' : null,
        t.bitrate ? Math.round(t.bitrate / 1000) + ' kbit/s' : null, t.language].filter(Boolean).join(', ');
      list.appendChild(li);
    }
    const thumb = $('dl-thumb');
    show(thumb, !!i.thumbnail);
    if (i.thumbnail) thumb.src = i.thumbnail;
    $('dl-name').value = (i.title || 'download').replace(/[\\/:*?"<>|]+/g, '_') + '.mp4';
    const link = $('dl-link');
    link.href = downloadUrl();
    const picker = typeof window.showSaveFilePicker === 'function';
    show(link, !picker);
    show($('dl-save'), picker);
    show($('dl-card'), true);
    state.estimate = i.estimatedBytes || 0;
  }

  function downloadUrl() {
    const q = params();
    const name = $('dl-name').value.trim();
    if (name) q.set('filename', name);
    return '/api/passthrough/download?' + q;
  }

  async function save() {
    let handle;
    try {
      handle = await window.showSaveFilePicker({ suggestedName: $('dl-name').value,
        types: [{ description: 'MP4 video', accept: { 'video/mp4': ['.mp4'] } }] });
    } catch (e) {
      return; // the user closed the picker
    }
    await stream(await handle.createWritable());
  }

  /** Fetches the download into {@code sink} (a WritableStream writer or FileSystemWritableFileStream). */
  async function stream(sink) {
    controller = new AbortController();
    const bar = $('dl-progress');
    show(bar, true);
    show($('dl-cancel'), true);
    $('dl-save').disabled = true;
    state.phase = 'downloading';
    state.bytes = 0;
    status('loading', 'Waiting for the server…');
    const started = performance.now();
    let last = { t: started, bytes: 0 };
    try {
      const res = await fetch(downloadUrl(), { signal: controller.signal });
      if (!res.ok) {
        await sink.abort();
        state.phase = 'error';
        status('error', await explain(res));
        return;
      }
      status('playing', 'Downloading…');
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await sink.write(value);
        state.bytes += value.length;
        const now = performance.now();
        if (now - last.t > 500) {
          const rate = (state.bytes - last.bytes) / ((now - last.t) / 1000);
          $('dl-speed').textContent = size(state.bytes) + ' of about ' + size(state.estimate) + ' · '
            + size(rate) + '/s';
          last = { t: now, bytes: state.bytes };
        }
        bar.value = state.estimate ? Math.min(0.99, state.bytes / state.estimate) : 0;
      }
      await sink.close();
      bar.value = 1;
      state.phase = 'done';
      const secs = (performance.now() - started) / 1000;
      $('dl-speed').textContent = size(state.bytes) + ' in ' + secs.toFixed(1) + ' s';
      status('playing', 'Saved.');
    } catch (e) {
      try { await sink.abort(); } catch (x) { /* already closed */ }
      if (controller.signal.aborted) {
        state.phase = 'cancelled';
        status('', 'Cancelled; the server stopped its work.');
      } else {
        state.phase = 'error';
        status('error', 'The stream broke after ' + size(state.bytes)
          + ': the source or the remux failed (the partial file was discarded).');
      }
    } finally {
      show($('dl-cancel'), false);
      $('dl-save').disabled = false;
      controller = null;
    }
  }

  $('dl-form').addEventListener('submit', getInfo);
  $('dl-save').addEventListener('click', save);
  $('dl-cancel').addEventListener('click', () => controller && controller.abort());
  $('dl-name').addEventListener('input', () => { $('dl-link').href = downloadUrl(); });
  const q = new URLSearchParams(location.search);
  if (q.get('url')) {
    $('dl-url').value = q.get('url');
    if (q.get('audio')) $('dl-audio').value = q.get('audio');
    $('dl-form').requestSubmit();
  }
  /** For tests: stream the download into any WritableStream (the picker needs a user gesture). */
  state.saveTo = (writable) => stream(writable.getWriter());
})();
