// The authorization code flow with PKCE as panva's openid-client runs it (a relying party
// such as Okta or Keycloak does the same):
// CLIENT_SECRET is the client's secret, or jwk:FILE to authenticate with private_key_jwt
// (FILE holds the private key as a JWK, with its kid).
//   node code_flow.mjs start  ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
//     prints {"url", "verifier", "state", "nonce"}: where to send the person, and what to keep
//   node code_flow.mjs finish ISSUER CLIENT_ID CLIENT_SECRET CALLBACK_URL VERIFIER STATE NONCE
//     redeems the code in CALLBACK_URL, validates the ID token, prints its claims
// With LASTMILE_NO_PKCE=1 both steps leave PKCE out (a relying party that cannot send it).
// Exits 1 with the library's reason on any failure.
import { readFileSync } from "node:fs";
import * as client from "openid-client";
import * as jose from "jose";

const [step, issuer, clientId, secret, ...rest] = process.argv.slice(2);
const insecure = issuer.startsWith("http://") ? { execute: [client.allowInsecureRequests] } : {};
try {
  let config;
  if (secret.startsWith("jwk:")) {
    const jwk = JSON.parse(readFileSync(secret.slice(4), "utf8"));
    const key = await jose.importJWK(jwk, jwk.alg ?? "ES256");
    const auth = client.PrivateKeyJwt({ key, kid: jwk.kid });
    config = await client.discovery(new URL(issuer), clientId, undefined, auth, insecure);
  } else {
    config = await client.discovery(new URL(issuer), clientId, secret, undefined, insecure);
  }
  if (step === "start") {
    const [redirectUri] = rest;
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const pkce = process.env.LASTMILE_NO_PKCE
      ? {}
      : { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid email",
      ...pkce,
      state,
      nonce,
      login_hint: "ada@acme.test",
    });
    console.log(JSON.stringify({ url: url.href, verifier, state, nonce }));
  } else {
    const [callback, verifier, state, nonce] = rest;
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: process.env.LASTMILE_NO_PKCE ? undefined : verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    console.log(JSON.stringify(tokens.claims()));
  }
} catch (e) {
  console.error(`${e.name}: ${e.message}${e.cause ? ` (${JSON.stringify(e.cause)})` : ""}`);
  process.exit(1);
}
