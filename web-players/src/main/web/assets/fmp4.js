/*
 * Fragmented MP4 through Media Source Extensions, for play_merge.html:
 *   Osprey.fmp4.codecs(initBytes)  → the RFC 6381 codec strings of an init segment's tracks (read from the sample
 *                                    entries: avcC, hvcC, av1C, vpcC, esds), so MSE gets the exact MIME type;
 *   Osprey.fmp4.feed(...)          → fetches segments in order into one SourceBuffer, staying a bounded time
 *                                    ahead of the playhead, following a recording that is still growing.
 * A small bounded reader: every length is checked against the buffer, nothing is trusted.
 */
(function () {
  'use strict';

  function fourcc(v, at) {
    return String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
  }

  /** The boxes between [start, end): {type, start (of the payload), end}. Stops at the first malformed box. */
  function* boxes(v, start, end) {
    let at = start;
    while (at + 8 <= end) {
      let size = v.getUint32(at);
      const type = fourcc(v, at + 4);
      let header = 8;
      if (size === 1) {
        if (at + 16 > end) return;
        size = v.getUint32(at + 8) * 4294967296 + v.getUint32(at + 12);
        header = 16;
      } else if (size === 0) {
        size = end - at;
      }
      if (size < header || at + size > end) return;
      yield { type, start: at + header, end: at + size };
      at += size;
    }
  }

  function child(v, box, type, skip) {
    for (const b of boxes(v, box.start + (skip || 0), box.end)) if (b.type === type) return b;
    return null;
  }

  function hex2(n) {
    return (n < 16 ? '0' : '') + n.toString(16).toUpperCase();
  }

  function avc(v, entry, cfg) {
    if (cfg.end - cfg.start < 4) return null;
    return entry.type + '.' + hex2(v.getUint8(cfg.start + 1)) + hex2(v.getUint8(cfg.start + 2))
      + hex2(v.getUint8(cfg.start + 3));
  }

  function hevc(v, entry, cfg) {
    if (cfg.end - cfg.start < 13) return null;
    const b1 = v.getUint8(cfg.start + 1);
    const space = ['', 'A', 'B', 'C'][b1 >> 6];
    const tier = (b1 >> 5) & 1 ? 'H' : 'L';
    const profile = b1 & 0x1f;
    let compat = v.getUint32(cfg.start + 2);
    let reversed = 0;
    for (let i = 0; i < 32; i++) { reversed = (reversed << 1) | (compat & 1); compat >>>= 1; }
    const level = v.getUint8(cfg.start + 12);
    const constraints = [];
    for (let i = 0; i < 6; i++) constraints.push(v.getUint8(cfg.start + 6 + i));
    while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
    return entry.type + '.' + space + profile + '.' + (reversed >>> 0).toString(16).toUpperCase() + '.' + tier + level
      + constraints.map((c) => '.' + c.toString(16).toUpperCase()).join('');
  }

  function av1(v, cfg) {
    if (cfg.end - cfg.start < 3) return null;
    const b1 = v.getUint8(cfg.start + 1);
    const b2 = v.getUint8(cfg.start + 2);
    const depth = (b2 & 0x40) ? ((b2 & 0x20) ? 12 : 10) : 8;
    return 'av01.' + (b1 >> 5) + '.' + String(b1 & 0x1f).padStart(2, '0') + ((b2 & 0x80) ? 'H' : 'M') + '.'
      + String(depth).padStart(2, '0');
  }

  function vp9(v, cfg) {
    if (cfg.end - cfg.start < 7) return null;
    const p = v.getUint8(cfg.start + 4);
    const l = v.getUint8(cfg.start + 5);
    const d = v.getUint8(cfg.start + 6) >> 4;
    return 'vp09.' + String(p).padStart(2, '0') + '.' + String(l).padStart(2, '0') + '.' + String(d).padStart(2, '0');
  }

  /** esds: ES_Descriptor → DecoderConfigDescriptor (object type) → DecoderSpecificInfo (audio object type). */
  function mp4a(v, esds) {
    let at = esds.start + 4;
    const end = esds.end;
    function descriptor() {
      if (at >= end) return null;
      const tag = v.getUint8(at++);
      let len = 0;
      for (let i = 0; i < 4 && at < end; i++) {
        const b = v.getUint8(at++);
        len = (len << 7) | (b & 0x7f);
        if (!(b & 0x80)) break;
      }
      return { tag, start: at, end: Math.min(end, at + len) };
    }
    const es = descriptor();
    if (!es || es.tag !== 3 || es.end - es.start < 3) return null;
    const flags = v.getUint8(es.start + 2);
    at = es.start + 3 + ((flags & 0x80) ? 2 : 0);
    if (flags & 0x40) { if (at >= end) return null; at += 1 + v.getUint8(at); }
    if (flags & 0x20) at += 2;
    const dc = descriptor();
    if (!dc || dc.tag !== 4 || dc.end - dc.start < 13) return null;
    const oti = v.getUint8(dc.start);
    if (oti !== 0x40) return 'mp4a.' + oti.toString(16).toUpperCase();
    at = dc.start + 13;
    const dsi = descriptor();
    if (!dsi || dsi.tag !== 5 || dsi.end - dsi.start < 1) return 'mp4a.40.2';
    let aot = v.getUint8(dsi.start) >> 3;
    if (aot === 31 && dsi.end - dsi.start >= 2) {
      aot = 32 + (((v.getUint8(dsi.start) & 7) << 3) | (v.getUint8(dsi.start + 1) >> 5));
    }
    return 'mp4a.40.' + aot;
  }

  /** The tracks of an init segment: [{handler, codec}], in file order. */
  function codecs(buffer) {
    const v = new DataView(buffer);
    const out = [];
    const moov = [...boxes(v, 0, v.byteLength)].find((b) => b.type === 'moov');
    if (!moov) throw new Error('no moov box in the init segment');
    for (const trak of boxes(v, moov.start, moov.end)) {
      if (trak.type !== 'trak') continue;
      const mdia = child(v, trak, 'mdia');
      const hdlr = mdia && child(v, mdia, 'hdlr');
      const handler = hdlr && hdlr.end - hdlr.start >= 12 ? fourcc(v, hdlr.start + 8) : '';
      const minf = mdia && child(v, mdia, 'minf');
      const stbl = minf && child(v, minf, 'stbl');
      const stsd = stbl && child(v, stbl, 'stsd');
      if (!stsd) continue;
      for (const entry of boxes(v, stsd.start + 8, stsd.end)) {
        let codec = null;
        const t = entry.type;
        if (handler === 'vide') {
          const kids = { start: entry.start + 78, end: entry.end };
          const cfg = (type) => child(v, kids, type);
          if (t === 'avc1' || t === 'avc3') codec = cfg('avcC') && avc(v, entry, cfg('avcC'));
          else if (t === 'hvc1' || t === 'hev1') codec = cfg('hvcC') && hevc(v, entry, cfg('hvcC'));
          else if (t === 'av01') codec = cfg('av1C') && av1(v, cfg('av1C'));
          else if (t === 'vp09') codec = cfg('vpcC') && vp9(v, cfg('vpcC'));
          // Without a readable config box, a common profile of the codec: MSE only needs the family.
          codec = codec || ({ avc1: 'avc1.42E01E', avc3: 'avc3.42E01E', hvc1: 'hvc1.1.6.L93.B0',
            hev1: 'hev1.1.6.L93.B0', av01: 'av01.0.04M.08', vp09: 'vp09.00.10.08' })[t] || null;
        } else if (handler === 'soun') {
          const version = entry.end - entry.start >= 10 ? v.getUint16(entry.start + 8) : 0;
          const kids = { start: entry.start + 28 + (version === 1 ? 16 : version === 2 ? 36 : 0), end: entry.end };
          if (t === 'mp4a') codec = (child(v, kids, 'esds') && mp4a(v, child(v, kids, 'esds'))) || 'mp4a.40.2';
          else codec = ({ Opus: 'opus', fLaC: 'flac', 'ac-3': 'ac-3', 'ec-3': 'ec-3', '.mp3': 'mp3' })[t] || null;
        }
        if (codec) out.push({ handler, codec });
        break;
      }
    }
    return out;
  }

  /** The MIME type for MSE of an init segment's tracks. */
  function mime(tracks) {
    const video = tracks.some((t) => t.handler === 'vide');
    return (video ? 'video' : 'audio') + '/mp4; codecs="' + tracks.map((t) => t.codec).join(', ') + '"';
  }

  function onceUpdated(sb) {
    return new Promise((resolve, reject) => {
      const ok = () => { sb.removeEventListener('updateend', ok); sb.removeEventListener('error', bad); resolve(); };
      const bad = () => { sb.removeEventListener('updateend', ok); sb.removeEventListener('error', bad);
        reject(new Error('the browser refused a segment (SourceBuffer error)')); };
      sb.addEventListener('updateend', ok);
      sb.addEventListener('error', bad);
    });
  }

  async function fetchBytes(url, signal) {
    const r = await fetch(url, { signal });
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
    return r.arrayBuffer();
  }

  /**
   * Appends an init segment and then media segments in order to a new SourceBuffer of `ms`, keeping at most
   * aheadSeconds buffered past the playhead. `init` is the init segment's bytes; `segment(i)` resolves to the URL
   * of the i-th media segment, or null after the last (it may wait for a recording that is still growing).
   * onProgress(count) after each media segment. Resolves when all are in; rejects on the first failure.
   */
  async function feed({ ms, video, type, init, segment, signal, aheadSeconds = 30, onProgress }) {
    const sb = ms.addSourceBuffer(type);
    const append = async (bytes) => {
      while (!signal.aborted && sb.buffered.length && sb.buffered.end(sb.buffered.length - 1) - video.currentTime
        > aheadSeconds) {
        await new Promise((r) => setTimeout(r, 500));
      }
      if (signal.aborted || ms.readyState !== 'open') throw new Error('stopped');
      const done = onceUpdated(sb);
      sb.appendBuffer(bytes);
      await done;
    };
    await append(init);
    // Fetch one segment ahead of the append (the next one may still be waited for while this one goes in).
    const load = (i) => {
      const p = Promise.resolve(segment(i)).then((url) => (url ? fetchBytes(url, signal) : null));
      p.catch(() => {});
      return p;
    };
    let pending = load(0);
    for (let i = 0; ; i++) {
      const bytes = await pending;
      if (!bytes) break;
      pending = load(i + 1);
      await append(bytes);
      if (onProgress) onProgress(i + 1, sb);
    }
    return sb;
  }

  window.Osprey.fmp4 = { codecs, mime, feed, boxes, fetchBytes };
})();
