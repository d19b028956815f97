// The sign-in page's one script: the WebAuthn call. It asks the server for a challenge for
// the email typed, lets the browser ask the security key, and posts the key's answer in a
// form (the server checks it and sends the person on). Every message shown comes from the
// page (data-* attributes), so the page's language is the script's.
"use strict";
(() => {
  const key = document.getElementById("key");
  if (!key || !window.PublicKeyCredential) return; // no WebAuthn here: the page works without
  key.hidden = false;
  const button = document.getElementById("key-button");
  const status = document.getElementById("key-status");
  const email = document.getElementById("username");
  const answer = document.getElementById("key-form");

  const toBase64url = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const fromBase64url = (text) =>
    Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

  const useKey = async (event) => {
    event.preventDefault();
    if (!email.reportValidity()) return;
    button.disabled = true;
    status.textContent = key.dataset.touch;
    try {
      let response;
      try {
        response = await fetch(key.dataset.options, {
          method: "POST",
          body: new URLSearchParams({ request: answer.elements.request.value, username: email.value }),
        });
      } catch {
        throw new Error(key.dataset.unreachable);
      }
      const options = await response.json();
      if (!response.ok) throw new Error(options.message);
      const publicKey = options.publicKey;
      publicKey.challenge = fromBase64url(publicKey.challenge);
      for (const c of publicKey.allowCredentials ?? []) c.id = fromBase64url(c.id);
      let credential;
      try {
        credential = await navigator.credentials.get({ publicKey });
      } catch {
        throw new Error(key.dataset.cancelled);
      }
      const r = credential.response;
      answer.elements.username.value = email.value;
      answer.elements.credential.value = JSON.stringify({
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        extensions: credential.getClientExtensionResults(),
        response: {
          authenticatorData: toBase64url(r.authenticatorData),
          clientDataJSON: toBase64url(r.clientDataJSON),
          signature: toBase64url(r.signature),
          userHandle: r.userHandle ? toBase64url(r.userHandle) : null,
        },
      });
      answer.submit();
    } catch (e) {
      status.textContent = e.message;
      button.disabled = false;
      button.focus();
    }
  };
  // Without a code field the button is the form's submit button, so Enter in the email
  // field clicks it too.
  button.addEventListener("click", useKey);
})();
