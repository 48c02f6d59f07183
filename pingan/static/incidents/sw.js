/* Service worker of the phone reporting page (scope /report/).
 *
 * It keeps the page shell for a weak or absent signal: the page itself network-first (fresh when online,
 * the last copy when not), its static files cache-first (their names change when their content does).
 * Reports themselves are never cached or replayed here: the page keeps unsent drafts in IndexedDB and
 * sends them when the signal is back, so a report is sent by the page that can show the answer. */
"use strict";

var CACHE = "pingan-report-v1";

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch("/report/", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) {
        return undefined; // signed out while installing: the page is kept on its next visit
      }
      return caches.open(CACHE).then(function (cache) {
        return cache.put("/report/", response);
      });
    }).catch(function () {
      return undefined; // offline while installing: likewise
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key !== CACHE;
      }).map(function (key) {
        return caches.delete(key);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

// The page lists the static files it loaded (it loaded them before this worker controlled it).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "precache" || !Array.isArray(data.urls)) {
    return;
  }
  var urls = data.urls.filter(function (url) {
    return new URL(url, self.location.origin).origin === self.location.origin;
  });
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (hit) {
          return hit || cache.add(url).catch(function () {
            return undefined;
          });
        });
      }));
    })
  );
});

function pageFirst(request) {
  return fetch(request).then(function (response) {
    // Only a real page is kept: not the login page a signed-out visit is redirected to.
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) {
        cache.put("/report/", copy);
      });
    } else if (response.redirected) {
      // Signed out: the page kept for a weak signal was someone's own page; do not show it any more.
      caches.open(CACHE).then(function (cache) {
        cache.delete("/report/");
      });
    }
    return response;
  }).catch(function () {
    return caches.match("/report/").then(function (hit) {
      return hit || Response.error();
    });
  });
}

function staticFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === "/report/") {
    event.respondWith(pageFirst(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFirst(request));
  }
});
