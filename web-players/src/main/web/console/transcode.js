/*
 * Console panel "Transcode": GET /api/transcode (admin token, transcode plugin) every 3 s while signed in and the
 * tab is visible: the encoder, when ladders run (on demand or at every publish), how many at once and how many were
 * refused, the configured ladders per app, and per running ladder its worker (pid, restarts, uptime), speed
 * (x realtime), the worker's CPU (cores), frames dropped at its input and fps per rendition. Hidden while the
 * plugin is off (404). Its own module: it only needs the panel's elements in index.html and window.Osprey.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  const text = O.element;

  function fixed(n, digits) {
    return typeof n === 'number' ? n.toFixed(digits) : '–';
  }

  function render(t) {
    const ladders = t.ladders || [];
    $('tc-summary').textContent = 'Encoder ' + (t.encoder || 'not known yet') + ' · '
      + (t.onDemand ? 'on demand (first viewer starts a ladder)' : 'at every publish') + ' · '
      + ladders.length + ' of at most ' + t.maxLadders + ' running · ' + t.refused + ' refused';
    const configured = Object.entries(t.configured || {});
    $('tc-configured').replaceChildren(...configured.map(([app, names]) =>
      text('li', app + ': ' + names.join(', '))));
    const body = $('tc-rows');
    body.replaceChildren();
    for (const l of ladders) {
      const fps = Object.entries(l.fps || {}).map(([name, f]) => name + ' ' + fixed(f, 1)).join(', ');
      const tr = document.createElement('tr');
      tr.dataset.source = l.source;
      tr.append(text('td', l.source), text('td', (l.renditions || []).map((r) => l.source + '_' + r).join(' ')),
        text('td', String(l.pid)), text('td', String(l.restarts)), text('td', O.formatDuration(l.uptimeMs / 1000)),
        text('td', fixed(l.speed, 2) + '×', l.speed > 0 && l.speed < 0.95 ? 'error-text' : ''),
        text('td', fixed(l.cpu, 2)), text('td', String(l.dropped)), text('td', fps));
      body.append(tr);
    }
    $('tc-none').classList.toggle('hidden', ladders.length > 0);
  }

  async function refresh() {
    const res = await O.api('/api/transcode');
    $('transcode').classList.toggle('hidden', !res.ok);
    if (res.ok) render(await res.json());
  }

  async function poll() {
    try {
      if (O.token && O.token.get() && !$('dash').classList.contains('hidden') && !document.hidden) {
        await refresh();
      }
    } catch (e) {
      // the main console reports an unreachable server
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
