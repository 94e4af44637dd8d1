// Drives Debian's headless chromium through playwright-core for BrowserIT: one scenario per run.
// Input: a JSON job as the only argument. Output: one JSON line on stdout, {"ok":true,"result":{...}} or
// {"ok":false,"error":"..."}; progress goes to stderr. The Java test makes every assertion; this script only
// looks and reports, so a failure shows what the page said rather than a timeout.
//
// Job: { base, token, chromium, screenshots, scenario, args }
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const job = JSON.parse(process.argv[2]);
const log = (...a) => process.stderr.write('[drive] ' + a.join(' ') + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();

// The flags of shared/ECOSYSTEM.md: a quiet, sandbox-less, GPU-less chromium with a fresh profile.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage',
  '--mute-audio'];

async function main() {
  const profile = mkdtempSync(join(tmpdir(), 'osprey-chromium-'));
  mkdirSync(job.screenshots, { recursive: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: job.chromium, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
      timeout: 30000, ignoreHTTPSErrors: !!job.insecure, // a test certificate made by the test (HttpsIT)
    });
    const fn = SCENARIOS[job.scenario];
    if (!fn) throw new Error('no scenario ' + job.scenario);
    const result = await fn(context, job.args || {});
    result.elapsedMs = Date.now() - t0;
    return { ok: true, result };
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A page that records console errors and uncaught exceptions. */
async function open(context, path, { width, height } = {}) {
  const page = await context.newPage();
  if (width) await page.setViewportSize({ width, height: height || 800 });
  const consoleErrors = [];
  const pageErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e && e.message || e)));
  page.osprey = { consoleErrors, pageErrors };
  const started = Date.now();
  await page.goto(job.base + path, { waitUntil: 'domcontentloaded', timeout: 15000 });
  page.osprey.openedAt = started;
  return page;
}

/** What a player page says about itself now. */
async function playerState(page) {
  return page.evaluate(() => {
    const v = document.querySelector('video');
    const o = window.osprey || {};
    const s = document.getElementById('status');
    return {
      state: s ? s.dataset.state : null,
      message: s ? s.textContent.trim() : null,
      currentTime: v ? v.currentTime : -1,
      paused: v ? v.paused : null,
      videoWidth: v ? v.videoWidth : 0,
      audioDecodedBytes: v ? (v.webkitAudioDecodedByteCount || 0) : 0,
      duration: v && isFinite(v.duration) ? v.duration : null,
      errors: o.errors || [],
      warnings: o.warnings || [],
      info: o.info || {},
    };
  });
}

/**
 * Waits until the page's video has played `seconds` of media while in the `playing` state (time measured from
 * the first moment it was seen playing), or the timeout passes. Reports what it saw either way.
 */
async function waitPlayed(page, seconds, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let first = null;
  let s;
  while (Date.now() < deadline) {
    s = await playerState(page);
    if (s.state === 'playing' && first === null) first = s.currentTime;
    if (first !== null && s.state === 'playing' && s.currentTime > 3 && s.currentTime - first >= seconds) break;
    await sleep(250);
  }
  s = await playerState(page);
  s.played = first === null ? 0 : s.currentTime - first;
  return s;
}

async function waitState(page, states, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let s;
  do {
    s = await playerState(page);
    if (states.includes(s.state)) return { ...s, reached: true };
    await sleep(100);
  } while (Date.now() < deadline);
  return { ...s, reached: false };
}

/** When the page set its 'notfound' state, on its own clock (ms from its navigation start), or null. */
async function notFoundAt(page) {
  return page.evaluate(() => {
    const e = ((window.osprey && window.osprey.events) || []).find((x) => x.state === 'notfound');
    return e ? e.t : null;
  });
}

async function shot(page, name, fullPage = true) {
  if (!name) return null;
  const file = join(job.screenshots, name + '.png');
  await page.screenshot({ path: file, fullPage });
  return file;
}

function diagnostics(page) {
  return { consoleErrors: page.osprey.consoleErrors, pageErrors: page.osprey.pageErrors };
}

/** Logs into the console page with the admin token (the form shown once per tab). */
async function openConsole(context, args) {
  const page = await open(context, '/console/', { width: args.width });
  await page.getByLabel('Admin token').fill(job.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('#plugins li[data-plugin]', { timeout: 10000 });
  return page;
}

async function streamCard(page, key) {
  return page.evaluate((k) => {
    const card = document.querySelector('[data-stream="' + k + '"]');
    if (!card) return null;
    return {
      bitrate: Number(card.dataset.bitrate), viewers: Number(card.dataset.viewers), text: card.innerText,
      links: [...card.querySelectorAll('a')].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })),
      chartPoints: Number(card.dataset.points || 0),
    };
  }, key);
}

async function pluginSwitch(page, id) {
  return page.locator('#plugins li[data-plugin="' + id + '"] input[type="checkbox"]');
}

async function pluginState(page, id) {
  return page.evaluate((i) => {
    const li = document.querySelector('#plugins li[data-plugin="' + i + '"]');
    return li ? li.dataset.state : null;
  }, id);
}

const SCENARIOS = {
  /**
   * The console's plugin settings form (ConfigFormIT): args.key of args.plugin set to args.invalid, then saved
   * (the page must refuse it without a request: the PUTs sent are counted), then to args.valid and saved.
   */
  async configForm(context, args) {
    const page = await openConsole(context, args);
    const puts = [];
    page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
    await page.waitForSelector('#config-plugin option', { state: 'attached', timeout: 10000 });
    await page.selectOption('#config-plugin', args.plugin);
    const field = '#config-fields[data-plugin="' + args.plugin + '"] [data-key="' + args.key + '"]';
    await page.waitForSelector(field + ' input', { timeout: 10000 });
    const read = () => page.evaluate((f) => ({
      value: document.querySelector(f + ' input').value,
      fieldError: document.querySelector(f + ' .config-error').textContent,
      doc: document.querySelector(f + ' .note').textContent,
      error: document.getElementById('config-error').textContent,
      status: document.getElementById('config-status').textContent,
    }), field);
    const before = await read();
    await page.fill(field + ' input', String(args.invalid));
    await page.click('#config-save');
    await page.waitForFunction(() => document.getElementById('config-error').textContent !== '', null,
      { timeout: 5000 });
    const refused = { ...(await read()), puts: puts.length };
    await shot(page, 'console-config-refused');
    await page.fill(field + ' input', String(args.valid));
    await page.click('#config-save');
    await page.waitForFunction(() => document.getElementById('config-status').textContent
      + document.getElementById('config-error').textContent !== '', null, { timeout: 15000 });
    const saved = { ...(await read()), puts: puts.length };
    await shot(page, 'console-config-saved');
    return { before, refused, saved, ...diagnostics(page) };
  },

  /**
   * The copy-paste addresses of a page (args.path) and, with args.console, the console's publish hint, read once
   * they contain args.expect (GET /api/info has answered) or after 10 s.
   */
  async addresses(context, args) {
    const page = await open(context, args.path || '/');
    const rows = () => page.evaluate(() => [...document.querySelectorAll('.copyrow')].map((r) => ({
      what: r.querySelector('.what').textContent, value: r.querySelector('code').textContent })));
    const deadline = Date.now() + 10000;
    let seen = await rows();
    while (!seen.some((r) => r.value.includes(args.expect)) && Date.now() < deadline) {
      await sleep(200);
      seen = await rows();
    }
    const result = { rows: seen, protocol: await page.evaluate(() => location.protocol), ...diagnostics(page) };
    if (args.console) {
      const c = await openConsole(context, args);
      await c.waitForFunction((e) => document.getElementById('publish-url').textContent.includes(e), args.expect,
        { timeout: 10000 }).catch(() => {});
      result.consoleHint = await c.evaluate(() => document.getElementById('publish-url').textContent);
    }
    return result;
  },

  /**
   * Opens player pages side by side (args.pages: [{path, seconds, seekTo, screenshot}]) and waits for each to
   * play `seconds` of media; a recording can then be seeked (seekTo: seconds, or a fraction of the duration).
   */
  async play(context, args) {
    const one = async (p) => {
      const page = await open(context, p.path, { width: p.width });
      const s = await waitPlayed(page, p.seconds || 3, p.timeoutMs || 20000);
      if (p.seekTo !== undefined && s.duration) {
        const target = p.seekTo < 1 ? s.duration * p.seekTo : p.seekTo;
        await page.evaluate((t) => { document.querySelector('video').currentTime = t; }, target);
        await sleep(1500);
        const after = await playerState(page);
        s.seek = { target, currentTime: after.currentTime, state: after.state,
          seekable: await page.evaluate(() => {
            const r = document.querySelector('video').seekable;
            return r.length ? [r.start(0), r.end(r.length - 1)] : [];
          }) };
      }
      s.path = p.path;
      s.screenshot = await shot(page, p.screenshot);
      return { ...s, ...diagnostics(page) };
    };
    return { pages: await Promise.all(args.pages.map(one)) };
  },

  /**
   * Opens pages for things that do not exist (args.pages: [{path, screenshot}]), one after another as a user would:
   * how long until each says so. pageMs is the page's own clock (performance.now() from its navigation start) when
   * it set the state, what a user waits; afterMs is the driver's, which adds opening the tab and polling.
   */
  async notFound(context, args) {
    const one = async (p) => {
      const page = await open(context, p.path, { width: p.width });
      const s = await waitState(page, ['notfound'], p.timeoutMs || 6000);
      s.afterMs = Date.now() - page.osprey.openedAt;
      s.pageMs = await notFoundAt(page);
      s.path = p.path;
      s.screenshot = await shot(page, p.screenshot);
      await page.close();
      return { ...s, ...diagnostics(page) };
    };
    const pages = [];
    for (const p of args.pages) pages.push(await one(p));
    return { pages };
  },

  /** Each page at a phone's width: overflow, labels on controls, screenshot. */
  async layout(context, args) {
    const one = async (p) => {
      const page = await open(context, p.path, { width: args.width || 375, height: 812 });
      await sleep(p.settleMs || 1200);
      if (p.console) {
        await page.getByLabel('Admin token').fill(job.token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForSelector('#plugins li[data-plugin]', { timeout: 10000 });
        await sleep(2500);
      }
      const r = await page.evaluate(() => {
        const name = (el) => {
          if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
          const by = el.getAttribute('aria-labelledby');
          if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
          if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim();
          if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.textContent.trim();
          return el.getAttribute('title') || '';
        };
        const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
        const selector = 'input:not([type=hidden]), select, textarea, button, video, a[href]';
        const controls = [...document.querySelectorAll(selector)]
          .filter(visible);
        const unlabeled = controls.filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 120));
        const wide = [...document.querySelectorAll('body *')].filter(visible)
          .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .map((el) => el.tagName + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''))
          .slice(0, 10);
        const status = document.getElementById('status');
        return {
          state: status ? status.dataset.state : null,
          message: status ? status.textContent.trim() : null,
          notes: [...document.querySelectorAll('[role=note]')].filter(visible).map((el) => el.id),
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          lang: document.documentElement.lang,
          title: document.title,
          h1: document.querySelectorAll('h1').length,
          controls: controls.length,
          unlabeled,
          wide,
        };
      });
      r.path = p.path;
      r.screenshot = await shot(page, p.screenshot);
      Object.assign(r, diagnostics(page));
      await page.close();
      return r;
    };
    return { pages: await Promise.all(args.pages.map(one)) };
  },

  /**
   * play.html on a stream with a rendition ladder (its master playlist lists several levels): it plays, then the
   * "Rendition" selector pins another level (hls.currentLevel), and the page must play that level's picture.
   */
  async levels(context, args) {
    const page = await open(context, args.path);
    const before = await waitPlayed(page, 2, 30000);
    const levels = await page.evaluate(() => (window.osprey.info.levels || []));
    const playing = before.info.level;
    // the level furthest in height from the one playing, so the picture size surely changes
    const height = await page.evaluate(() => document.querySelector('video').videoHeight);
    let target = -1;
    levels.forEach((h, i) => {
      if (target < 0 || Math.abs(h - height) > Math.abs(levels[target] - height)) target = i;
    });
    const options = await page.evaluate(() => [...document.getElementById('level').options].map((o) => o.text));
    const selectorEnabled = await page.evaluate(() => !document.getElementById('level').disabled);
    if (target >= 0 && selectorEnabled) await page.selectOption('#level', String(target));
    const deadline = Date.now() + (args.timeoutMs || 20000);
    let after = null;
    while (Date.now() < deadline) {
      after = await page.evaluate(() => ({ level: window.osprey.info.level,
        videoHeight: document.querySelector('video').videoHeight }));
      if (after.level === target && after.videoHeight === levels[target]) break;
      await sleep(200);
    }
    after.switchedAfterMs = Date.now() - (deadline - (args.timeoutMs || 20000));
    const played = await waitPlayed(page, 2, 20000);
    const screenshot = await shot(page, args.screenshot);
    const result = { levels, playing, height, target, options, selectorEnabled, after, played, screenshot,
      ...diagnostics(page) };
    if (args.ladder) {
      // the console's Transcode panel lists the running ladder (GET /api/transcode)
      const c = await openConsole(context, args);
      const row = '#tc-rows tr[data-source="' + args.ladder + '"]';
      await c.waitForSelector(row, { timeout: 10000 }).catch(() => {});
      result.panel = await c.evaluate((sel) => ({
        visible: !document.getElementById('transcode').classList.contains('hidden'),
        summary: document.getElementById('tc-summary').textContent,
        cells: [...(document.querySelector(sel)?.cells || [])].map((td) => td.textContent),
      }), row);
      result.panel.screenshot = await shot(c, args.consoleScreenshot);
      result.console = diagnostics(c);
    }
    return result;
  },

  /**
   * A live page through a publisher's life: it plays, says "ended" when the publisher leaves (the test stops it),
   * and plays again by itself when the publisher returns (the test starts it again), without a reload.
   */
  async lifecycle(context, args) {
    const page = await open(context, args.path);
    // Read the page's own log of states: a poll could miss a short "ended" between two publishes.
    const deadline = Date.now() + (args.timeoutMs || 45000);
    let seen = { playing: -1, ended: -1, back: -1 };
    let events = [];
    while (Date.now() < deadline && seen.back < 0) {
      events = await page.evaluate(() => window.osprey.events);
      seen.playing = events.findIndex((e) => e.state === 'playing');
      seen.ended = seen.playing < 0 ? -1 : events.findIndex((e, i) => i > seen.playing && e.state === 'ended');
      seen.back = seen.ended < 0 ? -1 : events.findIndex((e, i) => i > seen.ended && e.state === 'playing');
      if (seen.ended >= 0 && seen.back < 0 && !seen.shot) seen.shot = await shot(page, args.endedScreenshot);
      await sleep(100);
    }
    const back = await waitPlayed(page, 2, 20000);
    back.screenshot = await shot(page, args.screenshot);
    return { sawPlaying: seen.playing >= 0, sawEnded: seen.ended >= 0, sawBack: seen.back >= 0,
      endedMessage: seen.ended >= 0 ? events[seen.ended].message : null, back, events, ...diagnostics(page) };
  },

  /**
   * The console with a player open beside it: the stream's card shows bitrate and viewers; optionally the plugin
   * that serves the player is switched off from the console (the player must say the stream is gone and a fresh
   * page must say "not found") and on again (the open player must come back by itself).
   */
  async console(context, args) {
    const result = { steps: [] };
    const step = (what, data) => { result.steps.push({ at: Date.now() - t0, what, ...data }); log(what); };
    const player = await open(context, args.playerPath);
    const played = await waitPlayed(player, 2, 20000);
    step('player playing', { state: played.state, currentTime: played.currentTime });
    const con = await openConsole(context, args);
    // Wait until the card shows the stream with bitrate, a viewer (unless args.viewers is false: HLS players are
    // not counted) and a few chart points.
    let card = null;
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      card = await streamCard(con, args.stream);
      if (card && card.bitrate > 0 && (card.viewers > 0 || args.viewers === false) && card.chartPoints >= 3) break;
      await sleep(300);
    }
    result.card = card;
    result.consoleShot = await shot(con, args.screenshot);
    result.health = await con.evaluate(() => document.getElementById('health')?.dataset.status || null);
    result.recordingsNote = await con.evaluate(() => document.getElementById('recordings')?.innerText || null);
    if (args.toggle) {
      const id = args.toggle;
      const sw = await pluginSwitch(con, id);
      result.switchLabel = await sw.evaluate((el) => el.labels && el.labels.length ? el.labels[0].textContent.trim()
        : el.getAttribute('aria-label'));
      result.switchBefore = await sw.isChecked();
      // switching off asks first: cancelled, nothing changes; accepted, the plugin stops
      let asked = null;
      con.once('dialog', (d) => { asked = d.message(); d.dismiss().catch(() => {}); });
      await sw.click();
      await sleep(700);
      result.confirmMessage = asked;
      result.stateAfterCancel = await pluginState(con, id);
      result.checkedAfterCancel = await sw.isChecked();
      con.once('dialog', (d) => d.accept().catch(() => {}));
      await sw.click();
      const offDeadline = Date.now() + 10000;
      while (Date.now() < offDeadline && (await pluginState(con, id)) !== 'stopped') await sleep(100);
      result.stateAfterOff = await pluginState(con, id);
      step('plugin switched off', { state: result.stateAfterOff });
      // The open player notices and says so; a fresh page says "not found" at once.
      result.playerWhenOff = await waitState(player, ['ended', 'notfound'], 25000);
      const fresh = await open(context, args.playerPath);
      result.freshWhenOff = await waitState(fresh, ['notfound'], 6000);
      result.freshWhenOff.afterMs = Date.now() - fresh.osprey.openedAt;
      result.freshWhenOff.pageMs = await notFoundAt(fresh);
      await shot(fresh, args.offScreenshot);
      await fresh.close();
      step('player gone', { player: result.playerWhenOff.state, fresh: result.freshWhenOff.state });
      await sw.click();
      const onDeadline = Date.now() + 10000;
      while (Date.now() < onDeadline && (await pluginState(con, id)) !== 'active') await sleep(100);
      result.stateAfterOn = await pluginState(con, id);
      step('plugin switched on', { state: result.stateAfterOn });
      // Back by itself, without a reload.
      const before = await playerState(player);
      result.playerWhenOn = await waitPlayed(player, 2, 25000);
      result.playerWhenOn.reloaded = false;
      result.playerWhenOn.timeBefore = before.currentTime;
      step('player back', { state: result.playerWhenOn.state });
      result.playerEvents = await player.evaluate(() => window.osprey.events);
    }
    result.console = diagnostics(con);
    result.player = diagnostics(player);
    return result;
  },

  /**
   * Plays args.path and watches it for args.watchMs after it first plays (the test changes the config meanwhile):
   * the longest time the picture stood still while the page said "playing" or "reconnecting", the target durations
   * hls.js saw, the states passed through.
   */
  async watch(context, args) {
    const page = await open(context, args.path);
    const first = await waitPlayed(page, 1, 20000);
    const result = { first, longestStallMs: 0, targetDurations: [], states: [] };
    if (first.state !== 'playing') return { ...result, ...diagnostics(page) };
    let lastTime = -1;
    let lastMove = Date.now();
    const end = Date.now() + args.watchMs;
    while (Date.now() < end) {
      const s = await playerState(page);
      const now = Date.now();
      if (s.currentTime > lastTime) {
        lastTime = s.currentTime;
        lastMove = now;
      }
      result.longestStallMs = Math.max(result.longestStallMs, now - lastMove);
      const td = s.info.targetDuration;
      if (td && result.targetDurations[result.targetDurations.length - 1] !== td) result.targetDurations.push(td);
      if (result.states[result.states.length - 1] !== s.state) result.states.push(s.state);
      await sleep(100);
    }
    result.last = await playerState(page);
    result.screenshot = await shot(page, args.screenshot);
    return { ...result, ...diagnostics(page) };
  },

  /**
   * A recording page's picker (args.path, args.field: the session or file field): the options it lists once the
   * page has an app and a stream, then the first recording chosen from it and played.
   */
  async picker(context, args) {
    const page = await open(context, args.path);
    let options = [];
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      options = await page.evaluate(() => [...document.querySelectorAll('#picker option')]
        .map((o) => ({ value: o.value, text: o.textContent.trim() })));
      if (options.some((o) => o.value)) break;
      await sleep(200);
    }
    const chosen = options.find((o) => o.value);
    if (chosen) await page.selectOption('#picker', chosen.value);
    const s = await waitPlayed(page, args.seconds || 2, 20000);
    s.options = options;
    s.field = await page.evaluate((f) => document.getElementById(f).value, args.field);
    s.screenshot = await shot(page, args.screenshot);
    return { ...s, ...diagnostics(page) };
  },

  /**
   * The recordings section of the console: the rows of args.stream (waiting for at least args.rows of them) with
   * their links.
   */
  async recordings(context, args) {
    const con = await openConsole(context, args);
    let rows = [];
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      rows = await con.evaluate((k) => [...document.querySelectorAll('#recordings li[data-stream="' + k + '"]')]
        .map((li) => ({ kind: li.dataset.kind, session: li.dataset.session, state: li.dataset.state,
          text: li.innerText, links: [...li.querySelectorAll('a')].map((a) => ({ text: a.textContent.trim(),
            href: a.getAttribute('href'), label: a.getAttribute('aria-label'), download: a.hasAttribute('download'),
            target: a.getAttribute('target') })),
        })), args.stream);
      if (rows.length >= (args.rows || 1)) break;
      await sleep(300);
    }
    await shot(con, args.screenshot);
    return { rows, available: await con.evaluate(() => document.getElementById('recordings')?.dataset.available),
      ...diagnostics(con) };
  },
  /**
   * The Download page: args.url gives the info card, then a whole download into an in-page WritableStream (the file
   * picker needs a user gesture), then a download of args.slowUrl cancelled once bytes flow.
   */
  async download(context, args) {
    const page = await open(context, '/download.html?url=' + encodeURIComponent(args.url));
    await page.waitForFunction(() => ['ready', 'error'].includes(window.osprey.download.phase), null,
      { timeout: 20000 });
    const card = await page.evaluate(() => ({ phase: window.osprey.download.phase,
      message: window.osprey.download.message, title: document.getElementById('dl-title').textContent,
      facts: document.getElementById('dl-facts').textContent,
      tracks: [...document.querySelectorAll('#dl-tracks li')].map((li) => li.textContent) }));
    await shot(page, args.screenshot);
    const done = await page.evaluate(async () => {
      let bytes = 0;
      const head = [];
      await window.osprey.download.saveTo(new WritableStream({ write(c) {
        if (head.length < 8) head.push(...c.slice(0, 8 - head.length));
        bytes += c.length;
      } }));
      return { phase: window.osprey.download.phase, bytes, progress: document.getElementById('dl-progress').value,
        speed: document.getElementById('dl-speed').textContent, head: String.fromCharCode(...head.slice(4, 8)) };
    });
    await page.fill('#dl-url', args.slowUrl);
    await page.evaluate(() => { window.osprey.download.saveTo(new WritableStream({ write() {} })); });
    await page.waitForFunction(() => window.osprey.download.bytes > 0, null, { timeout: 15000 });
    await page.click('#dl-cancel');
    await page.waitForFunction(() => window.osprey.download.phase !== 'downloading', null, { timeout: 5000 });
    const cancelled = await page.evaluate(() => ({ phase: window.osprey.download.phase,
      message: window.osprey.download.message, bytes: window.osprey.download.bytes }));
    return { card, done, cancelled, ...diagnostics(page) };
  },
};

main().then((r) => process.stdout.write(JSON.stringify(r) + '\n'), (e) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack || e) }) + '\n');
}).finally(() => process.exit(0));
