// The service worker (vite-plugin-pwa, injectManifest strategy): precaches the built app so it
// opens and ingests offline after one visit, takes control of the page as soon as it can, and adds
// the cross-origin isolation headers (COOP/COEP) to every same-origin response it serves, so
// threaded WASM keeps working when the page comes from the cache rather than `vite preview`.
// It never fetches from another origin: cross-origin requests are not intercepted at all.
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (PrecacheEntry | string)[];
};

const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Same-origin resources are allowed under COEP anyway; saying so keeps workers and WASM
  // fetched by a module worker loadable even if a browser applies COEP to them strictly.
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The same response with the isolation headers set. A cached Response's headers are immutable,
 * so it is rebuilt around the same body. Opaque responses (status 0) cannot be read or rebuilt;
 * they only come from other origins, which this worker never handles.
 */
function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) {
    return response;
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  // 101, 204, 205 and 304 may not have a body; Response() throws if given one.
  const body = [101, 204, 205, 304].includes(response.status) ? null : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function isSameOrigin(url: URL): boolean {
  return url.origin === self.location.origin;
}

// Take over at once: activate without waiting for old tabs to close, and control open pages, so the
// first visit is already cached and controlled (registerType 'autoUpdate').
void self.skipWaiting();
clientsClaim();

// Headers go on every precached response (and on the network fallback of a precache miss): the
// plugin hook runs on whatever the precache strategy is about to hand to the page.
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Any navigation inside the app (a reload on any path, offline or not) gets the precached shell.
registerRoute(
  new NavigationRoute(async (options) => {
    const response = await createHandlerBoundToURL('index.html')(options);
    return withIsolationHeaders(response);
  }),
);

// Same-origin requests the precache does not hold (files over the precache size limit, types not
// in the glob): straight to the network, headers added. Other origins: not matched, so the browser
// handles them without this worker, and this worker itself never contacts them.
registerRoute(
  ({ url }) => isSameOrigin(url),
  async ({ request }) => withIsolationHeaders(await fetch(request)),
);
