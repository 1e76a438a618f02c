// deploy/embed.html: a small page that predicts one row in the browser with deploy/predict.mjs and
// tfjs, from the unzipped bundle served by any static web server. It builds a form from the
// manifest's input columns and exposes window.benchtopPredict(row) for other scripts on the page.
// tfjs comes from a path the deployer chooses (a local copy by default); the page reaches a CDN
// only if the deployer sets TFJS_URL to one. Plain HTML in a String.raw template: no backtick and
// no dollar-brace sequence inside.
import type { DeployManifest } from './index';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function embedHtml(manifest: DeployManifest): string {
  const title = escapeHtml(`${manifest.model.name} ${manifest.model.version}`);
  return (
    String.raw`<!doctype html>
<!--
  Benchtop model embed: predicts one row in this page, in the browser (nothing is sent anywhere).
  Serve the unzipped bundle with any static web server and open deploy/embed.html; to use it in
  another page, copy the benchtop-embed div and the module script below, and set
  BUNDLE_URL to where the bundle's files are served. Other scripts can call
  window.benchtopPredict({column: value, ...}) once the page has loaded.

  WHERE TFJS COMES FROM: TFJS_URL below. By default it is ./tf.min.js, a copy you put next to
  this file (from the npm package @tensorflow/tfjs, dist/tf.min.js, version 4.22.0), so the page
  loads nothing from the internet. It reaches a CDN only if you point TFJS_URL at one, e.g.
  https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4.22.0/dist/tf.min.js
-->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` +
    title +
    String.raw`</title>
<style>
  #benchtop-embed { font: 14px/1.4 system-ui, sans-serif; max-width: 32rem; }
  #benchtop-embed label { display: grid; grid-template-columns: 12rem 1fr; gap: 0.5rem; margin: 0.25rem 0; }
  #benchtop-embed output { display: block; margin-top: 0.75rem; white-space: pre-wrap; }
  #benchtop-embed .error { color: #b00020; }
</style>
</head>
<body>
<div id="benchtop-embed">
  <h2>` +
    title +
    String.raw`</h2>
  <form><fieldset disabled><div class="fields"></div><button type="submit">Predict</button></fieldset></form>
  <output aria-live="polite">Loading the model...</output>
</div>
<script type="module">
  // Where tfjs comes from (see the note at the top): a local copy unless you choose a CDN.
  const TFJS_URL = './tf.min.js';
  // Where manifest.json and model/ are served from, relative to this page.
  const BUNDLE_URL = new URL('../', import.meta.url);

  import { loadPredictor } from './predict.mjs';

  const root = document.getElementById('benchtop-embed');
  const output = root.querySelector('output');

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load tfjs from ' + src + ' (see TFJS_URL in this page)'));
      document.head.appendChild(s);
    });
  }

  async function fetchBytes(path) {
    const r = await fetch(new URL(path, BUNDLE_URL));
    if (!r.ok) throw new Error('could not fetch ' + path + ' (' + r.status + ')');
    return r.arrayBuffer();
  }

  async function sha256(bytes) {
    if (!globalThis.crypto || !crypto.subtle) return null; // not a secure context: cannot check
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function field(column) {
    const label = document.createElement('label');
    label.append(column.name);
    let input;
    if (column.categories) {
      input = document.createElement('select');
      for (const v of [''].concat(column.categories)) input.append(new Option(v === '' ? '(unknown)' : v, v));
    } else {
      input = document.createElement('input');
      input.type = column.kind === 'date' ? 'date' : column.kind === 'categorical' || column.kind === 'text' ? 'text' : 'number';
      if (column.kind === 'number') input.step = 'any';
      if (column.kind === 'boolean') { input.min = '0'; input.max = '1'; }
      if (column.range && column.kind !== 'date') input.placeholder = column.range.min + ' to ' + column.range.max;
    }
    input.name = column.name;
    label.append(input);
    return label;
  }

  try {
    const [manifest, modelJson, weightData] = await Promise.all([
      fetchBytes('manifest.json').then((b) => JSON.parse(new TextDecoder().decode(b))),
      fetchBytes('model/model.json').then((b) => JSON.parse(new TextDecoder().decode(b))),
      fetchBytes('model/weights.bin'),
    ]);
    const hash = await sha256(weightData);
    if (hash !== null && hash !== manifest.files['model/weights.bin'].sha256) {
      throw new Error('model/weights.bin does not match its hash in manifest.json: the files were changed.');
    }
    if (!globalThis.tf) await loadScript(TFJS_URL);
    await tf.ready();
    const predictor = await loadPredictor(tf, { manifest, modelJson, weightData });
    window.benchtopPredict = async (row) => (await predictor.predictRows([row])).predictions[0];

    const columns = manifest.input.columns.filter((c) => c.role === 'feature');
    root.querySelector('.fields').append(...columns.map(field));
    root.querySelector('fieldset').disabled = false;
    output.textContent = 'Fill in the values and press Predict (an empty field is an unknown value).';
    root.querySelector('form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      const row = {};
      for (const c of columns) {
        const v = data.get(c.name);
        row[c.name] = v === null || v === '' ? null : v;
      }
      output.classList.remove('error');
      try {
        const p = await window.benchtopPredict(row);
        output.textContent =
          'value' in p
            ? 'Prediction: ' + p.value.toPrecision(5)
            : 'Prediction: ' + p.label + '\n' +
              Object.entries(p.probabilities).map(([k, v]) => k + ': ' + (100 * v).toFixed(1) + '%').join('\n');
      } catch (err) {
        output.classList.add('error');
        output.textContent = err.message;
      }
    });
  } catch (err) {
    output.classList.add('error');
    output.textContent = 'The model could not be loaded: ' + err.message;
  }
</script>
</body>
</html>
`
  );
}
