// An organisation's identity provider for the tests: panva's certified oidc-provider on a
// loopback port, with its development sign-in page (any login, the password ignored) and no
// consent screen for the clients below. Accounts are people by email; their claims come from
// the config's `accounts` (groups, names), and a login not listed is a person with that email.
//
//   node idp.mjs '{"clients": [...], "accounts": {"ada@acme.test": {"groups": ["staff"]}}, "idTokenTtl": 3600}'
//
// Prints one JSON line {"issuer": "http://127.0.0.1:<port>"} once it listens; runs until killed.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] ?? '{}');
const accounts = config.accounts ?? {};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients ?? [],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The ID token carries the scopes' claims (as Entra ID's and Okta's do), not only userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      IdToken: config.idTokenTtl ?? 3600,
      AccessToken: 600,
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
    },
    cookies: { keys: ['lastmile-test-idp'] },
    async findAccount(_ctx, id) {
      const extra = accounts[id] ?? {};
      return {
        accountId: id,
        async claims() {
          return {
            sub: extra.sub ?? id,
            email: extra.email ?? id,
            email_verified: extra.email_verified ?? true,
            name: extra.name ?? id.split('@')[0],
            preferred_username: extra.preferred_username ?? id,
            groups: extra.groups ?? [],
          };
        },
      };
    },
    // First-party clients: no consent screen (the organisation's own app).
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('idp server_error', err));
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});
