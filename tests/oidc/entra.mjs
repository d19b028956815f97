// Entra ID's side of an external authentication method, played with panva's jose (Entra ID's
// signing key and id_token_hint) and openid-client (validating the provider's form_post
// implicit answer as a certified relying party does):
//   node entra.mjs keys FILE
//     makes an RSA key, keeps its private JWK in FILE, prints the public JWK Set
//   node entra.mjs hint FILE CLAIMS_JSON
//     prints an id_token_hint with these claims, signed RS256 with FILE's key
//   node entra.mjs check ISSUER CLIENT_ID REDIRECT_URI NONCE STATE FORM_BODY
//     validates the id_token in a form_post answer (signature through the provider's JWKS,
//     iss, aud, nonce, state, expiry) and prints its claims
// Exits 1 with the library's reason on any failure.
import { readFileSync, writeFileSync } from "node:fs";
import * as client from "openid-client";
import * as jose from "jose";

const [step, ...rest] = process.argv.slice(2);
try {
  if (step === "keys") {
    const [file] = rest;
    const { publicKey, privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
    const kid = `entra-${Date.now()}`;
    writeFileSync(file, JSON.stringify({ ...(await jose.exportJWK(privateKey)), kid, alg: "RS256" }));
    const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
    console.log(JSON.stringify({ keys: [jwk] }));
  } else if (step === "hint") {
    const [file, claims] = rest;
    const jwk = JSON.parse(readFileSync(file, "utf8"));
    const key = await jose.importJWK(jwk, "RS256");
    const token = await new jose.SignJWT(JSON.parse(claims))
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid, typ: "JWT" })
      .sign(key);
    console.log(JSON.stringify({ token }));
  } else if (step === "check") {
    const [issuer, clientId, redirectUri, nonce, state, body] = rest;
    const insecure = issuer.startsWith("http://") ? { execute: [client.allowInsecureRequests] } : {};
    const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), insecure);
    client.useIdTokenResponseType(config);
    const answer = new Request(redirectUri, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const claims = await client.implicitAuthentication(config, answer, nonce, { expectedState: state });
    console.log(JSON.stringify(claims));
  } else {
    throw new Error(`unknown step ${step}`);
  }
} catch (e) {
  console.error(`${e.name}: ${e.message}${e.cause ? ` (${JSON.stringify(e.cause)})` : ""}`);
  process.exit(1);
}
