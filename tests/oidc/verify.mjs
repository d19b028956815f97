// Checks Lastmile's OpenID Connect provider as a relying party would, with panva's
// openid-client (OpenID Certified) and jose:
//   node verify.mjs ISSUER [TOKEN AUDIENCE]...
// Discovers ISSUER (the document's issuer must be exactly ISSUER), then verifies each TOKEN
// against the provider's JWKS (signature, issuer, audience). Prints one JSON line of what it
// saw; exits 1 with the reason on the first failure.
import * as client from "openid-client";
import * as jose from "jose";

const [issuer, ...rest] = process.argv.slice(2);
const insecure = issuer.startsWith("http://") ? { execute: [client.allowInsecureRequests] } : {};
try {
  const config = await client.discovery(new URL(issuer), "lastmile-test-client", undefined, undefined, insecure);
  const meta = config.serverMetadata();
  const jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
  const verified = [];
  for (let i = 0; i + 1 < rest.length; i += 2) {
    const { payload, protectedHeader } = await jose.jwtVerify(rest[i], jwks, {
      issuer,
      audience: rest[i + 1],
      algorithms: meta.id_token_signing_alg_values_supported,
    });
    verified.push({ alg: protectedHeader.alg, kid: protectedHeader.kid, sub: payload.sub });
  }
  console.log(JSON.stringify({ issuer: meta.issuer, jwks_uri: meta.jwks_uri, verified }));
} catch (e) {
  console.error(`${e.name}: ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ""}`);
  process.exit(1);
}
