import { startTestApp, type TestApp } from '../support/test-app';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('GET /graphql from a browser', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.stop();
  });
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ env });
    apps.push(app);
    return app;
  };

  it('when the explorer is on (the default outside production), then the self-hosted GraphiQL page and its bundle come from this server with a CSP that allows nothing else', async () => {
    const { url } = await start({});
    const page = await fetch(url, { headers: { accept: BROWSER_ACCEPT } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<script src="/graphql-explorer/explorer.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");

    const bundle = await fetch(new URL('/graphql-explorer/explorer.js', url));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(new URL('/graphql-explorer/nope.js', url))).status).toBe(404);
  });

  it('when a client asks for JSON or sends a query, then GraphQL answers as before', async () => {
    const { url } = await start({});
    const response = await fetch(`${url}?query=${encodeURIComponent('{__typename}')}`, { headers: { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' } });
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('when GRAPHQL_EXPLORER=apollo, then Apollo\'s sandbox page is served instead', async () => {
    const { url } = await start({ GRAPHQL_EXPLORER: 'apollo' });
    const html = await (await fetch(url, { headers: { accept: BROWSER_ACCEPT } })).text();
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(html).not.toContain('/graphql-explorer/');
  });

  it('when GRAPHQL_SANDBOX=false, then there is no page at all', async () => {
    const { url } = await start({ GRAPHQL_SANDBOX: 'false' });
    const response = await fetch(url, { headers: { accept: BROWSER_ACCEPT } });
    expect(await response.text()).not.toContain('<html');
    expect((await fetch(new URL('/graphql-explorer/explorer.js', url))).status).toBe(404);
  });
});
