/*
 * The console's "Disk and cleanup" panel (cleanup plugin): each recorder root with its use and its filesystem's
 * free space against the floor as a bar, the policy, the last run, and "Run now" / "Dry run" buttons.
 *   GET  /api/cleanup                     {policy, roots: [{root, type, plugin, ready, usedBytes, usableBytes,
 *                                           totalBytes, floorBytes}], last: report | null}
 *   POST /api/cleanup/run[?dryRun=true]   the run's report
 * Its own module: it reads the token the console keeps (Osprey.token), polls every 10 s while the dashboard is
 * shown, and hides itself when the plugin is off (404).
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const panel = document.getElementById('cleanup-panel');
  if (!panel || !O || !O.api) return;
  const POLL_MS = 10000;
  let busy = false;

  panel.innerHTML = '<h2 id="cleanup-h">Disk and cleanup</h2>'
    + '<ul id="cleanup-roots" class="rows" aria-labelledby="cleanup-h"></ul>'
    + '<p id="cleanup-policy" class="note"></p><p id="cleanup-last" class="note" aria-live="polite"></p>'
    + '<p><button type="button" id="cleanup-run">Run now</button> '
    + '<button type="button" id="cleanup-dry" class="secondary">Dry run</button></p>'
    + '<ul id="cleanup-removed" class="note"></ul>';
  const $ = (id) => document.getElementById(id);

  function text(el, s) { el.textContent = s; return el; }

  function bar(used, total, floor) {
    const pct = total > 0 ? Math.min(100, Math.round(100 * used / total)) : 0;
    const b = document.createElement('span');
    b.className = 'grow';
    b.setAttribute('role', 'meter');
    b.setAttribute('aria-valuemin', '0');
    b.setAttribute('aria-valuemax', '100');
    b.setAttribute('aria-valuenow', String(pct));
    b.setAttribute('aria-label', 'filesystem ' + pct + ' % full');
    const low = floor > 0 && total - used < floor;
    b.style.cssText = 'display:block;height:.7rem;border-radius:.35rem;background:linear-gradient(to right,'
      + (low ? 'var(--bad)' : 'var(--accent)') + ' ' + pct + '%, #ddd ' + pct + '%)';
    return b;
  }

  function renderRoots(roots) {
    const ul = $('cleanup-roots');
    ul.replaceChildren();
    for (const r of roots) {
      const li = document.createElement('li');
      const name = text(document.createElement('span'), r.type + ' · ' + r.root);
      name.className = 'name';
      li.append(name);
      const used = typeof r.totalBytes === 'number' ? r.totalBytes - r.usableBytes : 0;
      li.append(bar(used, r.totalBytes || 0, r.floorBytes || 0));
      const facts = (typeof r.usedBytes === 'number' ? O.formatBytes(r.usedBytes) + ' recorded · ' : '')
        + (typeof r.usableBytes === 'number' ? O.formatBytes(r.usableBytes) + ' free of '
          + O.formatBytes(r.totalBytes) : 'not created yet')
        + (r.floorBytes ? ' · floor ' + O.formatBytes(r.floorBytes) : '') + (r.ready ? '' : ' · recovering');
      li.append(text(document.createElement('span'), facts));
      ul.append(li);
    }
  }

  function renderLast(last) {
    if (!last) { text($('cleanup-last'), 'No run yet.'); $('cleanup-removed').replaceChildren(); return; }
    text($('cleanup-last'), 'Last run ' + new Date(last.at).toLocaleString() + ' (' + last.trigger
      + (last.dryRun ? ', dry run' : '') + '): ' + last.removed.length + ' sessions and files, '
      + O.formatBytes(last.removedBytes) + (last.dryRun ? ' would be' : '') + ' removed; scanned '
      + last.scannedFiles + ' files in ' + last.scanMs + ' ms'
      + (last.failures.length ? '; ' + last.failures.length + ' failed' : '')
      + (last.notes.length ? '. ' + last.notes.join(' ') : ''));
    const ul = $('cleanup-removed');
    ul.replaceChildren();
    for (const m of last.removed.slice(0, 20)) {
      ul.append(text(document.createElement('li'), m.reason + ': ' + m.path + ' (' + O.formatBytes(m.bytes) + ')'));
    }
  }

  async function refresh() {
    if (document.getElementById('dash').classList.contains('hidden') || !O.token.get()) return;
    let r;
    try { r = await O.api('/api/cleanup'); } catch (e) { return; }
    panel.classList.toggle('hidden', !r.ok);
    if (!r.ok) return;
    const s = await r.json();
    renderRoots(s.roots || []);
    text($('cleanup-policy'), 'Policy: ' + (s.policy && s.policy.summary ? s.policy.summary : 'none'));
    renderLast(s.last);
  }

  async function run(dry) {
    if (busy) return;
    busy = true;
    $('cleanup-run').disabled = $('cleanup-dry').disabled = true;
    text($('cleanup-last'), dry ? 'Dry run…' : 'Running…');
    try {
      const r = await O.api('/api/cleanup/run' + (dry ? '?dryRun=true' : ''), { method: 'POST' });
      if (r.ok) renderLast(await r.json()); else text($('cleanup-last'), 'The run failed: HTTP ' + r.status);
    } catch (e) {
      text($('cleanup-last'), 'Cannot reach the server.');
    } finally {
      busy = false;
      $('cleanup-run').disabled = $('cleanup-dry').disabled = false;
    }
  }

  $('cleanup-run').addEventListener('click', () => run(false));
  $('cleanup-dry').addEventListener('click', () => run(true));
  refresh();
  setInterval(refresh, POLL_MS);
})();
