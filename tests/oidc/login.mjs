// Signs a person in on the test identity provider's pages (sign-in, then consent) over plain HTTP, as a browser
// would (cookies kept, redirects followed by hand), and prints where the provider finally
// redirects: the app's loopback redirect URI with the code and state, or with an error.
//
//   node login.mjs <authorization URL> <login> [abort]
//
// With `abort`, the person cancels on the sign-in page instead.
const [url, login, abort] = process.argv.slice(2);
const jar = new Map();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function go(target, init = {}) {
  const response = await fetch(target, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers ?? {}), cookie: cookieHeader() },
  });
  for (const c of response.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return response;
}

let target = url;
for (let hop = 0; hop < 10; hop += 1) {
  let response = await go(target);
  if (response.status === 200) {
    // The sign-in page: its form posts back to the interaction.
    const page = await response.text();
    const action = page.match(/<form[^>]*action="([^"]+)"/)?.[1];
    if (!action) throw new Error(`no sign-in form at ${target}:\n${page.slice(0, 500)}`);
    const base = new URL(target);
    if (abort) {
      target = new URL(`${new URL(action, base).pathname}/abort`, base).href;
      continue;
    }
    // The sign-in form, or the consent form (native clients are always asked).
    const prompt = page.match(/name="prompt" value="([^"]+)"/)?.[1] ?? 'login';
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    response = await go(new URL(action, base).href, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  const location = response.headers.get('location');
  if (!location) throw new Error(`${target} answered ${response.status} without a redirect: ${await response.text()}`);
  const next = new URL(location, target);
  if (next.origin !== new URL(url).origin) {
    console.log(next.href);
    process.exit(0);
  }
  target = next.href;
}
throw new Error('too many redirects');
