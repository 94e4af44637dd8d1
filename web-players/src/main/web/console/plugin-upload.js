/*
 * Console "Plugins" upload: picks a plugin jar, guesses the plugin id from the file name (hello-plugin-1.0.0.jar ->
 * hello-plugin; editable), and sends PUT /api/plugins/{id} with the jar as the body (admin token). The server
 * installs or updates the bundle in place and answers with the result, or 400 with what is wrong with the jar; the
 * plugin list picks the change up on its next refresh. Its own module: it needs only the form in index.html and
 * window.Osprey.api.
 */
(function () {
  'use strict';
  const O = window.Osprey;
  const $ = (id) => document.getElementById(id);

  function guessId(name) {
    return name.replace(/\.jar$/i, '').replace(/-\d+(\.\d+)*([.-][A-Za-z0-9]+)*$/, '').toLowerCase();
  }

  function init() {
    const form = $('plugin-upload');
    if (!form) return;
    const file = $('plugin-jar');
    const id = $('plugin-id');
    file.addEventListener('change', () => {
      if (file.files.length === 1) id.value = guessId(file.files[0].name);
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const status = $('plugin-upload-status');
      if (file.files.length !== 1 || !/^[a-z][a-z0-9-]*$/.test(id.value)) {
        status.textContent = 'Choose a jar and a plugin id (lower-case letters, digits, dashes).';
        return;
      }
      const button = form.querySelector('button');
      button.disabled = true;
      status.textContent = 'Uploading ' + file.files[0].name + '…';
      try {
        const r = await O.api('/api/plugins/' + encodeURIComponent(id.value),
          { method: 'PUT', body: file.files[0], headers: { 'Content-Type': 'application/java-archive' } });
        const body = await r.json().catch(() => ({}));
        status.textContent = r.ok ? body.result : 'Refused: ' + (body.error || 'HTTP ' + r.status);
      } catch (e) {
        status.textContent = 'Upload failed: ' + e.message;
      } finally {
        button.disabled = false;
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
