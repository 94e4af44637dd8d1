/*
 * Console panel "Cluster": GET /api/cluster (admin token) every 3 s while signed in and the tab is visible. Shows
 * the live nodes with their load and the streams with their owner and the nodes pulling them; the registry's
 * error while Redis is unreachable (503). Hidden on a single node (clustered: false).
 * Its own module: it only needs the panel's elements in index.html and window.Osprey.api / .token.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);

  const text = O.element;

  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.append(text('td', String(c)));
    return tr;
  }

  function render(r) {
    $('cl-state').textContent = r.healthy ? 'Redis up' : 'registry unavailable';
    $('cl-error').textContent = r.error || '';
    const nodes = $('cl-nodes');
    nodes.replaceChildren();
    for (const n of r.nodes || []) {
      nodes.append(row([n.id + (n.self ? ' (this node)' : ''), n.url, n.health, n.streams, n.viewers,
        Math.round((n.bytesOut || 0) / 1048576) + ' MiB', (n.owned || []).length, (n.pulls || []).length]));
    }
    const streams = $('cl-streams');
    streams.replaceChildren();
    for (const s of r.streams || []) {
      streams.append(row([s.stream, s.owner || '(no live owner)', (s.pulledBy || []).join(', ') || '-']));
    }
    $('cl-none').classList.toggle('hidden', (r.streams || []).length > 0);
  }

  async function poll() {
    try {
      if (O.token && O.token.get() && !$('dash').classList.contains('hidden') && !document.hidden) {
        const res = await O.api('/api/cluster');
        if (res.ok || res.status === 503) {
          const r = await res.json();
          $('cluster').classList.toggle('hidden', !r.clustered);
          if (r.clustered) render(r);
        } else {
          $('cluster').classList.add('hidden');
        }
      }
    } catch (e) {
      // the main console reports an unreachable server
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
