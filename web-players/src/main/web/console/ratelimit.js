/*
 * Console panel "Rate limits": GET /api/ratelimit (admin token, ratelimit plugin) every 3 s while signed in and
 * the tab is visible. Shows the limits that are on, whether counts are shared over the cluster, the slots held per
 * cap on this node, and the clients refused most in the last minutes. Hidden while the plugin is off (404).
 * Its own module: it only needs the panel's elements in index.html and window.Osprey.api / .token.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);

  const text = O.element;

  function limitsOn(l) {
    const out = [];
    for (const [k, r] of Object.entries(l.requests || {})) {
      if (r && typeof r === 'object' && r.rate > 0) out.push('requests.' + k + ' ' + r.rate + '/s (burst ' + r.burst + ')');
    }
    for (const group of ['viewers', 'publishers']) {
      for (const [k, v] of Object.entries(l[group] || {})) {
        if (v > 0) out.push(group + '.' + k + ' ' + v);
      }
    }
    if ((l.exempt || []).length) out.push('exempt ' + l.exempt.join(', '));
    return out;
  }

  function render(r) {
    const on = limitsOn(r.limits || {});
    $('rl-limits').textContent = on.length ? on.join(' · ') : 'no limit set';
    $('rl-shared').textContent = r.shared ? 'shared over the cluster' : 'this node only';
    const caps = $('rl-caps');
    caps.replaceChildren();
    for (const [rule, n] of Object.entries(r.connections || {})) {
      if (n > 0) caps.append(text('li', rule + ': ' + n));
    }
    if (!caps.children.length) caps.append(text('li', 'no viewer or publisher holds a capped slot', 'note'));
    const body = $('rl-top');
    body.replaceChildren();
    for (const c of r.topRefused || []) {
      const tr = document.createElement('tr');
      tr.append(text('td', c.client), text('td', String(c.refused)), text('td', c.rule), text('td', c.protocol),
        text('td', new Date(c.lastMillis).toLocaleTimeString()));
      body.append(tr);
    }
    $('rl-none').classList.toggle('hidden', (r.topRefused || []).length > 0);
    $('rl-window').textContent = Math.round((r.refusedWindowMs || 0) / 60000) + ' min';
  }

  async function poll() {
    try {
      if (O.token && O.token.get() && !$('dash').classList.contains('hidden') && !document.hidden) {
        const res = await O.api('/api/ratelimit');
        $('ratelimit').classList.toggle('hidden', !res.ok);
        if (res.ok) render(await res.json());
      }
    } catch (e) {
      // the main console reports an unreachable server
    }
    setTimeout(poll, POLL_MS);
  }

  poll();
})();
