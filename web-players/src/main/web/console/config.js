/*
 * Console panel "Plugin settings": the config form of one plugin, built from GET /api/plugins/{id}/config (the
 * schema the server derives from the plugin's config class: key, type, default, min, max, allowed values, doc).
 * Values are checked here by the same rules and with the same words as the server (ConfigSchema and
 * ConfigBinder in the kernel), so a value the form refuses is one the server refuses with the same message. Save
 * sends the changed keys with PUT; the server checks them again, writes conf/osprey.yaml (comments kept) and
 * applies them live. /console/?config=hls opens the panel on a plugin.
 * Its own module: it only needs the panel's elements in index.html and window.Osprey.api / .token / .element.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const $ = (id) => document.getElementById(id);
  let current = null; // the last GET answer for the plugin shown
  let fields = new Map(); // key → {schema, input, error}

  /** The reason the server gives for `raw` in key `k`, or null when the value is good. */
  function problem(k, raw) {
    const t = k.type;
    let v = raw;
    if (t === 'integer' || t === 'number') {
      const re = t === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
      if (!re.test(String(raw).trim())) {
        return "'" + raw + "' is not a valid " + (t === 'integer' ? 'whole number' : 'number');
      }
      v = Number(raw);
      const hasMin = k.min !== undefined, hasMax = k.max !== undefined;
      if ((hasMin && v < k.min) || (hasMax && v > k.max)) {
        if (hasMin && hasMax) return 'must be ' + k.min + '..' + k.max + ', was ' + v;
        return hasMin ? 'must be at least ' + k.min + ', was ' + v : 'must be at most ' + k.max + ', was ' + v;
      }
    } else if (t === 'string' && k.allowed && !k.allowed.includes(raw)) {
      const a = k.allowed;
      const words = a.length === 1 ? a[0] : a.slice(0, -1).join(', ') + ' or ' + a[a.length - 1];
      return 'must be ' + words + ', was ' + raw;
    } else if (t === 'list' || t === 'map') {
      try {
        v = JSON.parse(raw);
      } catch (e) {
        return 'not JSON: ' + e.message;
      }
      if (t === 'list' ? !Array.isArray(v) : (v === null || typeof v !== 'object' || Array.isArray(v))) {
        return t === 'list' ? 'expected a list, e.g. ["live"]' : 'expected a map, e.g. {"live": {}}';
      }
    }
    return null;
  }

  /** The JSON value of a field's text. */
  function value(k, input) {
    if (k.type === 'boolean') return input.checked;
    const raw = input.value;
    if (k.type === 'integer' || k.type === 'number') return Number(raw);
    if (k.type === 'list' || k.type === 'map') return JSON.parse(raw);
    return raw;
  }

  function text(v, k) {
    if (v === null || v === undefined) return '';
    return k.type === 'list' || k.type === 'map' || k.type === 'value' ? JSON.stringify(v) : String(v);
  }

  function makeInput(k, v, id) {
    let input;
    if (k.type === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = v === true;
    } else if (k.type === 'string' && k.allowed) {
      input = document.createElement('select');
      for (const a of k.allowed) input.append(O.element('option', a));
      input.value = v === null || v === undefined ? '' : String(v);
    } else if (k.type === 'list' || k.type === 'map' || k.type === 'value') {
      input = document.createElement('textarea');
      input.rows = 2;
      input.value = text(v, k);
    } else {
      input = document.createElement('input');
      input.type = 'text';
      if (k.type === 'integer' || k.type === 'number') input.inputMode = 'decimal';
      input.value = text(v, k);
    }
    input.id = id;
    input.name = k.key;
    return input;
  }

  function range(k) {
    const bits = [];
    if (k.min !== undefined && k.max !== undefined) bits.push(k.min + '..' + k.max);
    else if (k.min !== undefined) bits.push('≥ ' + k.min);
    else if (k.max !== undefined) bits.push('≤ ' + k.max);
    bits.push('default ' + (k.default === null || k.default === undefined ? 'none' : JSON.stringify(k.default)));
    return bits.join(' · ');
  }

  function render(c) {
    current = c;
    fields = new Map();
    const box = $('config-fields');
    box.replaceChildren();
    box.dataset.plugin = c.id;
    $('config-file').textContent = c.file ? 'Saved to ' + c.file + '.' : 'The server runs without a config file: '
      + 'settings cannot be saved (start it with --config).';
    for (const k of c.keys) {
      const row = document.createElement('div');
      row.className = 'field config-key';
      row.dataset.key = k.key;
      const id = 'cfg-' + k.key.replace(/[^A-Za-z0-9_-]/g, '-');
      const label = O.element('label', k.key);
      label.htmlFor = id;
      const input = makeInput(k, c.values[k.key], id);
      const over = c.overridden && c.overridden[k.key];
      if (over) input.disabled = true;
      const doc = O.element('span', (k.doc ? k.doc + ' ' : '') + '(' + range(k) + ')'
        + (over ? ' Set by ' + over + ', which the file cannot change.' : ''), 'note');
      const error = O.element('span', '', 'error-text config-error');
      error.setAttribute('role', 'alert');
      input.addEventListener('input', () => check(k.key));
      input.addEventListener('change', () => check(k.key));
      row.append(label, input, doc, error);
      box.append(row);
      fields.set(k.key, { k, input, error });
    }
    $('config-save').disabled = !c.file;
  }

  function check(key) {
    const f = fields.get(key);
    const p = f.k.type === 'boolean' ? null : problem(f.k, f.input.value);
    f.error.textContent = p || '';
    f.input.setAttribute('aria-invalid', p ? 'true' : 'false');
    return p;
  }

  async function load(id) {
    $('config-error').textContent = '';
    $('config-status').textContent = '';
    const r = await O.api('/api/plugins/' + encodeURIComponent(id) + '/config');
    const body = await r.json().catch(() => ({}));
    if (id !== $('config-plugin').value) return; // another plugin was picked meanwhile
    if (!r.ok) {
      $('config-error').textContent = body.error || 'HTTP ' + r.status;
      return;
    }
    render(body);
  }

  async function save(ev) {
    ev.preventDefault();
    if (!current) return;
    $('config-error').textContent = '';
    $('config-status').textContent = '';
    const changes = {};
    let bad = null;
    for (const [key, f] of fields) {
      if (f.input.disabled) continue;
      const p = check(key);
      if (p) {
        bad = bad || key + ': ' + p;
        continue;
      }
      const v = value(f.k, f.input);
      if (JSON.stringify(v) !== JSON.stringify(current.values[key])) changes[key] = v;
    }
    if (bad) {
      $('config-error').textContent = 'Not saved: plugins.' + current.id + '.' + bad;
      return;
    }
    if (!Object.keys(changes).length) {
      $('config-status').textContent = 'Nothing changed.';
      return;
    }
    const id = current.id;
    $('config-save').disabled = true;
    try {
      const r = await O.api('/api/plugins/' + encodeURIComponent(id) + '/config', {
        method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(changes) });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        const prefix = 'plugins.' + id + '.';
        const f = body.key && body.key.startsWith(prefix) ? fields.get(body.key.substring(prefix.length)) : null;
        if (f) f.error.textContent = body.reason;
        $('config-error').textContent = 'Not saved: ' + (body.error || 'HTTP ' + r.status);
        return;
      }
      render(body);
      $('config-status').textContent = 'Saved and applied: ' + Object.keys(changes).join(', ')
        + (body.commentsKept === false ? ' (the file was rewritten: its comments are gone)' : '') + '.';
    } catch (e) {
      $('config-error').textContent = 'Not saved: ' + e.message;
    } finally {
      $('config-save').disabled = !(current && current.file);
    }
  }

  async function plugins() {
    const r = await O.api('/api/plugins');
    if (!r.ok) return;
    const list = await r.json();
    const sel = $('config-plugin');
    const want = new URLSearchParams(location.search).get('config') || sel.value;
    sel.replaceChildren();
    for (const p of Array.isArray(list) ? list : list.plugins || []) sel.append(O.element('option', p.id));
    if (want && [...sel.options].some((o) => o.value === want)) sel.value = want;
    $('config-panel').classList.remove('hidden');
    if (sel.value) await load(sel.value);
  }

  async function start() {
    // the console signs in first: wait for the token and the dashboard
    if (!(O.token && O.token.get()) || $('dash').classList.contains('hidden')) {
      setTimeout(start, 500);
      return;
    }
    try {
      await plugins();
    } catch (e) {
      $('config-error').textContent = 'Could not read the plugins: ' + e.message;
    }
  }

  $('config-plugin').addEventListener('change', () => load($('config-plugin').value));
  $('config-form').addEventListener('submit', save);
  start();
})();
