// Service worker of the web verifier: the app shell is cached at install so
// the page starts with the network gone; config.json is network-first with
// the cached copy as fallback. Trust data lives in IndexedDB, not here.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `vneid-verify-${VERSION}`;
const scope = new URL(self.registration.scope);
const SHELL = new Set(FILES.map((f) => new URL(f, scope).href));
const CONFIG = new URL('config.json', scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...FILES, 'config.json']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('vneid-verify-') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.search = '';
  if (url.href === CONFIG) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(CONFIG, copy));
          }
          return response;
        })
        .catch(() => caches.match(CONFIG).then((hit) => hit ?? Response.error())),
    );
    return;
  }
  if (SHELL.has(url.href)) {
    event.respondWith(caches.match(url.href).then((hit) => hit ?? fetch(request)));
  }
});
