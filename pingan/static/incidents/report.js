/* The phone reporting page (事件上报): category buttons, photos, the device's position, description.
 *
 * The form is a draft kept in IndexedDB (photos as blobs) while it is filled in. "上报" queues it and
 * sends it to the incident API; when the signal is gone the draft stays queued on the phone and is sent
 * when the browser is back online (or the page is opened again). Each draft carries its own id
 * (client_ref), so a draft sent twice — the answer lost on the way back — is still one incident. */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) {
    return;
  }
  var texts = document.getElementById("report-texts").dataset;
  var statusBox = document.getElementById("report-status");
  var queueBox = document.getElementById("report-queue");
  var photoInput = document.getElementById("report-photos");
  var photoStrip = form.querySelector(".photo-strip");
  var locationState = form.querySelector("[data-location-state]");
  var submitButton = form.querySelector("[data-submit]");
  var DB_NAME = "pingan-report";
  var STORE = "drafts";
  var RESIZE_ABOVE = 1.5 * 1024 * 1024; // phone photos above this are scaled down before sending
  var MAX_SIDE = 1600;

  var photos = []; // [{name, type, blob, url}]
  var sending = false;
  var saveTimer = null;

  // --- IndexedDB: one record per draft ---------------------------------------------------------

  var dbPromise = new Promise(function (resolve, reject) {
    if (!window.indexedDB) {
      reject(new Error("no IndexedDB"));
      return;
    }
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(STORE, { keyPath: "id" });
    };
    request.onsuccess = function () {
      resolve(request.result);
    };
    request.onerror = function () {
      reject(request.error);
    };
  });

  function store(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          resolve(result && "result" in result ? result.result : undefined);
        };
        tx.onerror = function () {
          reject(tx.error);
        };
      });
    });
  }

  // A shared phone keeps each person's drafts apart: only the signed-in person's are shown and sent.
  function draftsAll() {
    return store("readonly", function (s) {
      return s.getAll();
    }).then(function (drafts) {
      return (drafts || []).filter(function (d) {
        return d.user === form.dataset.user;
      });
    }).catch(function () {
      return [];
    });
  }

  function draftPut(draft) {
    return store("readwrite", function (s) {
      s.put(draft);
    }).catch(function () {
      return undefined;
    });
  }

  function draftDelete(id) {
    return store("readwrite", function (s) {
      s.delete(id);
    }).catch(function () {
      return undefined;
    });
  }

  // --- the form as a draft ---------------------------------------------------------------------

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    return "d" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function checkedValue(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function setChecked(name, value) {
    var input = form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (input) {
      input.checked = true;
    }
  }

  function currentDraft(status) {
    return {
      id: field("client_ref").value,
      user: form.dataset.user,
      status: status,
      category: checkedValue("category"),
      urgency: checkedValue("urgency") || "normal",
      description: field("description").value,
      region: field("region").value,
      address: field("address").value,
      lat: field("lat").value,
      lng: field("lng").value,
      coord_system: field("coord_system").value,
      photos: photos.map(function (p) {
        return { name: p.name, type: p.type, blob: p.blob };
      }),
      savedAt: Date.now(),
    };
  }

  function isEmpty(draft) {
    return !draft.category && !draft.description.trim() && !draft.photos.length && !draft.address;
  }

  function saveSoon() {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(function () {
      var draft = currentDraft("editing");
      if (isEmpty(draft)) {
        draftDelete(draft.id);
      } else {
        draftPut(draft);
      }
    }, 250);
  }

  function fill(draft) {
    field("client_ref").value = draft.id;
    if (draft.category) {
      setChecked("category", draft.category);
    }
    setChecked("urgency", draft.urgency || "normal");
    field("description").value = draft.description || "";
    field("region").value = draft.region || "";
    field("address").value = draft.address || "";
    if (draft.lat && draft.lng) {
      field("lat").value = draft.lat;
      field("lng").value = draft.lng;
    }
    photos = (draft.photos || []).map(function (p) {
      return { name: p.name, type: p.type, blob: p.blob, url: URL.createObjectURL(p.blob) };
    });
    renderPhotos();
  }

  function reset() {
    photos.forEach(function (p) {
      URL.revokeObjectURL(p.url);
    });
    photos = [];
    renderPhotos();
    form.querySelectorAll('input[name="category"]').forEach(function (input) {
      input.checked = false;
    });
    setChecked("urgency", "normal");
    field("description").value = "";
    field("address").value = "";
    field("region").value = "";
    field("client_ref").value = newId();
    clearErrors();
  }

  // --- messages --------------------------------------------------------------------------------

  function show(kind, message, link) {
    statusBox.className = "alert alert-" + kind;
    statusBox.textContent = message;
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.className = "alert-link ms-1";
      anchor.textContent = link.text;
      statusBox.appendChild(anchor);
    }
    statusBox.scrollIntoView({ block: "nearest" });
  }

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (box) {
      box.textContent = "";
    });
  }

  function showErrors(fields) {
    clearErrors();
    Object.keys(fields || {}).forEach(function (name) {
      var key = name.split(/[.[]/)[0];
      if (key === "lat" || key === "lng" || key === "region" || key === "coord_system") {
        key = "location";
      }
      var box = form.querySelector('[data-error-for="' + key + '"]');
      if (box) {
        box.textContent = fields[name].join(" ");
      }
    });
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function refreshQueue() {
    return draftsAll().then(function (drafts) {
      var queued = drafts.filter(function (d) {
        return d.status === "queued";
      });
      if (queued.length) {
        queueBox.classList.remove("d-none");
        queueBox.querySelector(".queue-text").textContent = texts.queued.replace("%s", queued.length);
      } else {
        queueBox.classList.add("d-none");
      }
      return queued;
    });
  }

  // --- photos ----------------------------------------------------------------------------------

  function shrink(file) {
    if (file.size <= RESIZE_ABOVE || !window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
      return Promise.resolve({ name: file.name, type: file.type, blob: file });
    }
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob || file);
        }, "image/jpeg", 0.85);
      });
    }).then(function (blob) {
      if (blob === file) {
        return { name: file.name, type: file.type, blob: file };
      }
      return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", type: "image/jpeg", blob: blob };
    }).catch(function () {
      return { name: file.name, type: file.type, blob: file }; // the server checks it either way
    });
  }

  function renderPhotos() {
    photoStrip.textContent = "";
    photos.forEach(function (photo, index) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = photo.url;
      img.alt = photo.name;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close";
      remove.setAttribute("aria-label", texts.remove + " " + photo.name);
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(photo.url);
        photos.splice(index, 1);
        renderPhotos();
        saveSoon();
      });
      figure.appendChild(img);
      figure.appendChild(remove);
      photoStrip.appendChild(figure);
    });
  }

  photoInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(photoInput.files || []);
    photoInput.value = "";
    Promise.all(files.map(shrink)).then(function (added) {
      added.forEach(function (p) {
        p.url = URL.createObjectURL(p.blob);
        photos.push(p);
      });
      renderPhotos();
      saveSoon();
    });
  });

  // --- the device's position (WGS-84, as navigator.geolocation gives it) -----------------------

  function locate() {
    if (!navigator.geolocation) {
      locationState.textContent = texts.noLocation;
      return;
    }
    locationState.textContent = texts.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var lat = position.coords.latitude.toFixed(6);
        var lng = position.coords.longitude.toFixed(6);
        field("lat").value = lat;
        field("lng").value = lng;
        field("coord_system").value = "wgs84";
        locationState.textContent =
          texts.located + " " + lng + ", " + lat + "(" + texts.accuracy.replace("%s", Math.round(position.coords.accuracy)) + ")";
        locationState.dataset.located = "1";
        saveSoon();
      },
      function () {
        locationState.textContent = field("lat").value ? texts.located + " " + field("lng").value + ", " + field("lat").value : texts.noLocation;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  form.querySelector("[data-locate]").addEventListener("click", locate);

  // --- choosing a category preselects its usual urgency ----------------------------------------

  form.querySelectorAll('input[name="category"]').forEach(function (input) {
    input.addEventListener("change", function () {
      setChecked("urgency", input.dataset.defaultUrgency || "normal");
    });
  });

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);

  // --- sending ---------------------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : field("csrfmiddlewaretoken").value;
  }

  function body(draft) {
    var data = new FormData();
    ["category", "urgency", "description", "region", "address", "lat", "lng", "coord_system"].forEach(function (name) {
      if (draft[name]) {
        data.append(name, draft[name]);
      }
    });
    data.append("client_ref", draft.id);
    draft.photos.forEach(function (p) {
      data.append("photos", new File([p.blob], p.name, { type: p.type }));
    });
    return data;
  }

  // Resolves to {outcome: "sent" | "duplicate" | "refused" | "offline" | "signed-out", ...}.
  function send(draft) {
    return fetch(form.action, {
      method: "POST",
      body: body(draft),
      credentials: "same-origin",
      // The draft's id is also its Idempotency-Key: a resend whose answer was lost gets that answer again.
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", "Idempotency-Key": draft.id },
    }).then(
      function (response) {
        return response.json().catch(function () {
          return {};
        }).then(function (json) {
          if (response.ok) {
            return draftDelete(draft.id).then(function () {
              return { outcome: "sent", incident: json };
            });
          }
          if (response.status === 401 || response.status === 403) {
            return { outcome: "signed-out" };
          }
          // 409: the same draft arrived twice at once; 422: it was received already, then changed here.
          var code = json.error && json.error.code;
          if ((response.status === 409 && code === "draft_already_reported") ||
              (response.status === 422 && code === "idempotency_key_reused")) {
            return draftDelete(draft.id).then(function () {
              return { outcome: "duplicate", error: json.error };
            });
          }
          if (response.status >= 500) {
            return { outcome: "offline" };
          }
          return { outcome: "refused", error: json.error || {} };
        });
      },
      function () {
        return { outcome: "offline" };
      }
    );
  }

  // "我最近上报的事件" was drawn with the page: the report just received goes on top of it at once.
  function addRecent(incident, detail) {
    var list = document.querySelector(".recent-reports");
    if (!list || list.querySelector('[data-case="' + incident.id + '"]')) {
      return;
    }
    var empty = list.querySelector("[data-empty]");
    if (empty) {
      empty.remove();
    }
    var item = document.createElement("li");
    item.className = "list-group-item d-flex justify-content-between align-items-start gap-2";
    item.dataset.case = String(incident.id);
    var link = document.createElement("a");
    link.className = "text-break";
    link.href = detail;
    link.textContent = incident.title;
    var badge = document.createElement("span");
    badge.className = "badge text-bg-info flex-shrink-0";
    badge.textContent = incident.status_label;
    item.appendChild(link);
    item.appendChild(badge);
    list.insertBefore(item, list.firstChild);
    var limit = parseInt(list.dataset.limit, 10) || 10;
    while (list.children.length > limit) {
      list.removeChild(list.lastChild);
    }
  }

  function announceSent(incident) {
    var detail = form.dataset.detail.replace(/0\/$/, incident.id + "/");
    addRecent(incident, detail);
    show(
      "success",
      format(texts.sent, {
        number: incident.number,
        grid: incident.region ? incident.region.name : "",
        org: incident.assigned_org ? incident.assigned_org.name : "",
      }),
      { href: detail, text: incident.number }
    );
  }

  function sendQueued() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    return refreshQueue().then(function (queued) {
      return queued.reduce(function (chain, draft) {
        return chain.then(function () {
          return send(draft).then(function (result) {
            if (result.outcome === "sent") {
              announceSent(result.incident);
            } else if (result.outcome === "duplicate") {
              show("info", result.error.message);
            } else if (result.outcome === "refused") {
              // The server will not take it as it is: back into the form to be corrected.
              draft.status = "editing";
              return draftPut(draft).then(function () {
                if (!field("description").value && !checkedValue("category")) {
                  fill(draft);
                }
                show("danger", result.error.message || "");
                showErrors(result.error.fields);
              });
            }
            return undefined;
          });
        });
      }, Promise.resolve());
    }).then(function () {
      sending = false;
      return refreshQueue();
    }, function () {
      sending = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var draft = currentDraft("queued");
    var errors = {};
    if (!draft.category) {
      errors.category = [texts.needCategory];
    }
    if (!draft.description.trim()) {
      errors.description = [texts.needDescription];
    }
    if (!(draft.lat && draft.lng) && !draft.region) {
      errors.location = [texts.needLocation];
    }
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    clearErrors();
    submitButton.disabled = true;
    show("info", texts.sending);
    window.clearTimeout(saveTimer);
    draftPut(draft).then(function () {
      return send(draft);
    }).then(function (result) {
      submitButton.disabled = false;
      if (result.outcome === "sent") {
        reset();
        announceSent(result.incident);
      } else if (result.outcome === "duplicate") {
        reset();
        show("info", result.error.message);
      } else if (result.outcome === "refused") {
        draft.status = "editing";
        draftPut(draft);
        show("danger", result.error.message || "");
        showErrors(result.error.fields);
      } else {
        // Kept on the phone, queued: a fresh form for the next report.
        reset();
        show("warning", result.outcome === "signed-out" ? texts.signedOut : texts.kept);
      }
      return refreshQueue();
    });
  });

  queueBox.querySelector("[data-send-queue]").addEventListener("click", sendQueued);
  window.addEventListener("online", sendQueued);

  // --- start: the draft left on this phone, the queue, the position, the service worker ---------

  draftsAll().then(function (drafts) {
    var editing = drafts.filter(function (d) {
      return d.status === "editing";
    }).sort(function (a, b) {
      return b.savedAt - a.savedAt;
    })[0];
    if (editing) {
      fill(editing);
    } else {
      field("client_ref").value = newId();
    }
    locate();
    return navigator.onLine ? sendQueued() : refreshQueue();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.sw, { scope: form.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [location.pathname].concat(
        Array.prototype.map.call(document.querySelectorAll('script[src], link[rel="stylesheet"], link[rel="manifest"]'), function (el) {
          return el.src || el.href;
        })
      );
      if (registration.active) {
        registration.active.postMessage({ type: "precache", urls: urls });
      }
    }).catch(function () {
      return undefined; // no offline shell (e.g. a private window); drafts are still kept
    });
  }
})();
