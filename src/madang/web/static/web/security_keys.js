// Security keys (WebAuthn) for two-factor sign-in: asks the server for the ceremony's options,
// lets the browser's key answer, and sends the answer in the page's own form. Forms marked
// data-webauthn="create" add a key; data-webauthn="get" signs in with one.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function descriptors(list) {
    return (list || []).map(function (d) { return { type: d.type, id: toBytes(d.id), transports: d.transports }; });
  }
  function say(form, message) {
    var box = form.querySelector("[data-webauthn-error]");
    if (box) { box.textContent = message; box.hidden = false; }
  }

  async function options(form) {
    var body = new URLSearchParams();
    body.set("csrf_token", form.querySelector("[name=csrf_token]").value);
    var response = await fetch(form.dataset.options, { method: "POST", body: body, credentials: "same-origin" });
    var data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  async function create(form) {
    var o = await options(form);
    var credential = await navigator.credentials.create({ publicKey: {
      rp: o.rp, user: { id: toBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
      challenge: toBytes(o.challenge), pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout,
      excludeCredentials: descriptors(o.excludeCredentials), authenticatorSelection: o.authenticatorSelection,
      attestation: o.attestation } });
    return { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      response: { clientDataJSON: toText(credential.response.clientDataJSON),
        attestationObject: toText(credential.response.attestationObject),
        transports: credential.response.getTransports ? credential.response.getTransports() : [] },
      clientExtensionResults: credential.getClientExtensionResults() };
  }

  async function get(form) {
    var o = await options(form);
    var credential = await navigator.credentials.get({ publicKey: {
      challenge: toBytes(o.challenge), timeout: o.timeout, rpId: o.rpId,
      allowCredentials: descriptors(o.allowCredentials), userVerification: o.userVerification } });
    var r = credential.response;
    return { id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      response: { clientDataJSON: toText(r.clientDataJSON), authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature), userHandle: r.userHandle ? toText(r.userHandle) : null },
      clientExtensionResults: credential.getClientExtensionResults() };
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    form.hidden = false;
    var missing = document.querySelector("[data-webauthn-missing]");
    if (missing) missing.hidden = true;
    form.addEventListener("submit", async function (event) {
      var field = form.querySelector("[name=credential]");
      if (field.value) return;  // the answer is in: let the form go
      event.preventDefault();
      try {
        var answer = form.dataset.webauthn === "create" ? await create(form) : await get(form);
        field.value = JSON.stringify(answer);
        form.submit();
      } catch (error) {
        say(form, form.dataset.failed + (error && error.message ? " (" + error.message + ")" : ""));
      }
    });
  });
})();
