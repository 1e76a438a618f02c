// Entry point of the page: mounts the Svelte app and, in production builds, registers the service
// worker that precaches the app so it opens and ingests offline after one visit.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });

// vite-plugin-pwa (injectManifest, injectRegister: false) compiles src/sw.ts to an ES module named
// sw.js at the site root, so registration is ours and must say `type: 'module'`. Dev builds skip it:
// a caching worker in development serves stale modules.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register(`${import.meta.env.BASE_URL}sw.js`, {
        type: 'module',
        scope: import.meta.env.BASE_URL,
      })
      .catch((err: unknown) => {
        // Offline support is a bonus on top of a working page; say why it is missing and go on.
        console.warn('Benchtop: offline support is unavailable:', err);
      });
  });
}

export default app;
