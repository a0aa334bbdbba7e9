// Concord member keys in the browser: make an Ed25519 key with WebCrypto, keep it in this browser's storage,
// export it as a file, and sign votes with it. No build step, no dependency. The private key never leaves the
// browser: only its public half is put in the registration form.
//
// A signed vote signs the concord-vote/v1 statement (see the README and governance/log/signing.py):
//   "concord-vote/v1\norigin O\nproposal N\nballot B\ncommitment C\nseq S\n"
// where C is the hex SHA-256 of the canonical JSON {"member","number","salt","vote"} (sorted keys, no spaces).
(function () {
  "use strict";
  var subtle = window.crypto && window.crypto.subtle;
  var utf8 = new TextEncoder();

  function storageName(coalition, member) { return "concord-key:" + coalition + ":" + member; }

  function loadKey(coalition, member) {
    try { return JSON.parse(window.localStorage.getItem(storageName(coalition, member)) || "null"); }
    catch (error) { return null; }
  }

  function saveKey(coalition, member, record) {
    window.localStorage.setItem(storageName(coalition, member), JSON.stringify(record));
  }

  function base64(bytes) {
    var text = "";
    new Uint8Array(bytes).forEach(function (b) { text += String.fromCharCode(b); });
    return window.btoa(text);
  }

  function fromBase64url(text) {
    var plain = text.replace(/-/g, "+").replace(/_/g, "/");
    while (plain.length % 4) { plain += "="; }
    return Uint8Array.from(window.atob(plain), function (c) { return c.charCodeAt(0); });
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function sha256hex(bytes) { return subtle.digest("SHA-256", bytes).then(hex); }

  // Keys in code point order, as Python sorts str (JavaScript's own sort compares UTF-16 code units).
  function byCodePoint(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) { return d; }
    }
    return x.length - y.length;
  }

  // Canonical JSON as governance/log/canonical.py writes it: sorted keys, no spaces, integers only.
  function canonical(value) {
    if (value === null || typeof value === "boolean" || typeof value === "string") { return JSON.stringify(value); }
    if (typeof value === "number") {
      if (!Number.isInteger(value)) { throw new Error("canonical JSON holds integers only"); }
      return String(value);
    }
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    return "{" + Object.keys(value).sort(byCodePoint).map(function (k) {
      return JSON.stringify(k) + ":" + canonical(value[k]);
    }).join(",") + "}";
  }

  function keyId(jwk) { return sha256hex(fromBase64url(jwk.x)); }

  function importPrivate(jwk) {
    var bare = { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x };
    return subtle.importKey("jwk", bare, { name: "Ed25519" }, false, ["sign"]);
  }

  function makeKey() {
    return subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]).then(function (pair) {
      return subtle.exportKey("jwk", pair.privateKey);
    }).then(function (jwk) {
      return keyId(jwk).then(function (id) {
        return { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x, kid: id };
      });
    });
  }

  function publicKeyText(jwk) { return base64(fromBase64url(jwk.x)); }

  // The vote a form expresses, in its canonical stored form (app/pages/voteforms.py read_vote, recount.check_choice).
  function formVote(form, spec, submitter) {
    var data = new FormData(form), options = spec.options;
    if (spec.shape !== "choice" && submitter && submitter.value === "abstain") { return { choice: "abstain" }; }
    if (spec.shape === "choice") { return { choice: data.get("choice") }; }
    if (spec.shape === "option") { return { option: options[Number(data.get("option"))] }; }
    if (spec.shape === "approve") {
      var picked = data.getAll("approve").map(Number);
      return { approve: options.filter(function (_, i) { return picked.indexOf(i) >= 0; }) };
    }
    if (spec.shape === "scores") {
      var scores = {};
      options.forEach(function (name, i) { scores[name] = Number(String(data.get("score-" + i) || "").trim() || "0"); });
      return { scores: scores };
    }
    var ranking = [];
    for (var rank = 1; rank <= options.length; rank++) {
      var raw = data.get("rank-" + rank);
      if (raw !== null && raw !== "") { ranking.push(options[Number(raw)]); }
    }
    return { ranking: ranking };
  }

  function randomSalt() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return hex(bytes);
  }

  function signVote(record, spec, vote) {
    var salt = randomSalt(), seq = Math.max(Date.now(), spec.last_seq + 1);
    var opening = canonical({ member: spec.member, number: spec.number, salt: salt, vote: vote });
    return sha256hex(utf8.encode(opening)).then(function (commitment) {
      var statement = "concord-vote/v1\norigin " + spec.origin + "\nproposal " + spec.number + "\nballot " +
        spec.ballot + "\ncommitment " + commitment + "\nseq " + seq + "\n";
      return importPrivate(record.jwk).then(function (key) {
        return subtle.sign({ name: "Ed25519" }, key, utf8.encode(statement));
      });
    }).then(function (signature) {
      return { salt: salt, key_id: record.jwk.kid, seq: String(seq), signature: base64(signature) };
    });
  }

  function setHidden(form, name, value) {
    var input = form.querySelector("input[type=hidden][name='" + name + "']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function usableKey(spec) {
    var record = loadKey(spec.coalition, spec.member);
    return record && record.jwk && spec.keys.indexOf(record.jwk.kid) >= 0 ? record : null;
  }

  function signInto(form, spec, record, submitter) {
    return signVote(record, spec, formVote(form, spec, submitter)).then(function (fields) {
      Object.keys(fields).forEach(function (name) { setHidden(form, name, fields[name]); });
    });
  }

  function specOf(form) { return form && form.dataset && form.dataset.sign ? JSON.parse(form.dataset.sign) : null; }

  // With htmx (the usual case): htmx asks "htmx:confirm" before it sends, and lets the request be issued later,
  // once the vote is signed (a form without a usable key goes as it is, unsigned; so does one whose signing fails).
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt, spec = specOf(form), record = spec && subtle ? usableKey(spec) : null;
    if (!record) { return; }
    event.preventDefault();
    var submitter = event.detail.triggeringEvent && event.detail.triggeringEvent.submitter;
    signInto(form, spec, record, submitter).then(function () { event.detail.issueRequest(true); },
                                                 function () { event.detail.issueRequest(true); });
  });

  // Without htmx: hold the plain submission while the vote is signed, then submit again.
  document.addEventListener("submit", function (event) {
    var form = event.target, spec = specOf(form);
    if (window.htmx || !spec || !subtle || form.dataset.signed === "yes") { return; }
    var record = usableKey(spec), submitter = event.submitter;
    if (!record) { return; }
    event.preventDefault();
    var resubmit = function () { form.dataset.signed = "yes"; form.requestSubmit(submitter); };
    signInto(form, spec, record, submitter).then(resubmit, resubmit);
  }, true);

  function showSigningNote(form) {
    var spec = JSON.parse(form.dataset.sign), record = subtle && usableKey(spec);
    if (record) {
      var note = form.querySelector("[data-key-note='" + record.jwk.kid + "']");
      if (note) { note.hidden = false; }
    }
  }

  function download(name, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function describe(panel) {
    var record = loadKey(panel.dataset.coalition, panel.dataset.member);
    panel.querySelectorAll("[data-key-state]").forEach(function (item) {
      var held = item.dataset.keyState === "held";
      item.hidden = held !== Boolean(record);
      var id = item.querySelector("[data-key-id]");
      if (id && record) { id.textContent = record.jwk.kid.slice(0, 16); }
    });
    panel.querySelectorAll("[data-export-key]").forEach(function (button) { button.hidden = !record; });
    var field = document.getElementById(panel.dataset.publicField);
    if (field && record && !field.value) { field.value = publicKeyText(record.jwk); }
  }

  function remember(panel, jwk) {
    saveKey(panel.dataset.coalition, panel.dataset.member, { jwk: jwk });
    var field = document.getElementById(panel.dataset.publicField);
    if (field) { field.value = publicKeyText(jwk); }
    describe(panel);
  }

  function setUpPanel(panel) {
    panel.hidden = false;
    describe(panel);
    panel.querySelector("[data-make-key]").addEventListener("click", function () {
      makeKey().then(function (jwk) { remember(panel, jwk); });
    });
    panel.querySelector("[data-export-key]").addEventListener("click", function () {
      var record = loadKey(panel.dataset.coalition, panel.dataset.member);
      if (record) {
        download("concord-" + panel.dataset.coalition + "-" + panel.dataset.member + ".jwk",
                 JSON.stringify(record.jwk, null, 1) + "\n");
      }
    });
    panel.querySelector("[data-import-key]").addEventListener("change", function (event) {
      var file = event.target.files[0];
      if (!file) { return; }
      file.text().then(function (text) {
        var jwk = JSON.parse(text);
        return importPrivate(jwk).then(function () { return keyId(jwk); }).then(function (id) {
          remember(panel, { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x, kid: id });
        });
      }).catch(function () { event.target.setCustomValidity(panel.dataset.importError || "?"); });
    });
  }

  function ed25519Supported() {
    if (!subtle) { return Promise.resolve(false); }
    return subtle.generateKey({ name: "Ed25519" }, false, ["sign"]).then(function () { return true; },
                                                                          function () { return false; });
  }

  function start() {
    ed25519Supported().then(function (supported) {
      if (!supported) { return; }
      document.querySelectorAll("[data-concord-keys]").forEach(setUpPanel);
      document.querySelectorAll("form[data-sign]").forEach(showSigningNote);
    });
  }

  // What an outside check may call: the canonical JSON and commitment the server's must equal (tests/browser).
  window.concordKeys = {
    canonical: canonical,
    commitment: function (member, number, salt, vote) {
      return sha256hex(utf8.encode(canonical({ member: member, number: number, salt: salt, vote: vote })));
    }
  };

  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("form[data-sign]").forEach(showSigningNote);
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
