/*
 * Console panel "Sources": GET /api/sources (admin token, sources plugin) every 3 s while signed in and the tab is
 * visible: each pulled stream with its state, since, restarts, last error, viewers and bit rate in, and a
 * start/stop button (POST /api/sources/{app}/{name}/start|stop). Hidden while the plugin is off (404).
 * Its own module: it only needs the panel's elements in index.html and window.Osprey.api / .token.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);

  const text = O.element;

  function kbps(bits) {
    return bits > 0 ? Math.round(bits / 1000) + ' kbit/s' : '–';
  }

  async function act(key, what, button) {
    button.disabled = true;
    $('src-error').textContent = '';
    try {
      const path = key.split('/').map(encodeURIComponent).join('/');
      const r = await O.api('/api/sources/' + path + '/' + what, { method: 'POST' });
      if (!r.ok) {
        const body = await r.json().catch(() => ({}));
        throw new Error(body.error || 'HTTP ' + r.status);
      }
      refresh();
    } catch (e) {
      $('src-error').textContent = 'Could not ' + what + ' ' + key + ': ' + e.message;
      button.disabled = false;
    }
  }

  function render(list) {
    const body = $('src-rows');
    body.replaceChildren();
    for (const s of list) {
      const tr = document.createElement('tr');
      const running = s.state !== 'idle' && s.state !== 'failed';
      const button = text('button', running ? 'Stop' : 'Start');
      button.type = 'button';
      button.addEventListener('click', () => act(s.key, running ? 'stop' : 'start', button));
      const cell = document.createElement('td');
      cell.append(button);
      tr.append(text('td', s.key), text('td', s.url, 'mono'), text('td', s.onDemand ? 'on demand' : 'always'),
        text('td', s.state, 'state-' + s.state), text('td', new Date(s.since).toLocaleTimeString()),
        text('td', String(s.restarts)), text('td', String(s.viewers)), text('td', kbps(s.bitrateIn)),
        text('td', s.lastError || ''), cell);
      body.append(tr);
    }
    $('src-none').classList.toggle('hidden', list.length > 0);
  }

  async function refresh() {
    const res = await O.api('/api/sources');
    $('sources').classList.toggle('hidden', !res.ok);
    if (res.ok) render((await res.json()).sources || []);
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
