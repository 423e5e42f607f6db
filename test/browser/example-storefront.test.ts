import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createAdmin, createProduct, PASSWORD, signUpCustomer } from '../factories';
import { describeInBrowser, openBrowser, screenshot, type BrowserSession } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `npm run example`'s server, on a free port, pointed at the test API. */
async function serveExample(port: number, apiUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'examples/storefront/serve.mjs')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', EXAMPLE_PORT: String(port), API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => chunk.includes('example storefront:') && resolve());
    child.once('exit', (code) => reject(new Error(`the example server exited (${code})`)));
  });
  return child;
}

describeInBrowser('example storefront (examples/storefront, headless Chromium)', () => {
  let test: TestApp;
  let example: ChildProcess;
  let browser: BrowserSession;
  let exampleOrigin: string;

  beforeAll(async () => {
    const port = await freePort();
    exampleOrigin = `http://localhost:${port}`;
    // A real frontend on another origin: the API must list it in CORS_ORIGINS.
    test = await startTestApp({ worker: true, env: { CORS_ORIGINS: exampleOrigin } });
    example = await serveExample(port, test.url.replace('127.0.0.1', 'localhost'));
    browser = await openBrowser([exampleOrigin, new URL(test.url).origin.replace('127.0.0.1', 'localhost')]);
  });

  afterAll(async () => {
    await browser?.close();
    example?.kill();
    await test?.stop();
  });

  it('when a customer signs in and orders, then the page shows the order go PENDING to PAID, the stock drop and a notification, all live', async () => {
    const admin = await createAdmin(test);
    const product = await createProduct(test, admin, { name: 'Walnut Desk Lamp', stock: 5 });
    const customer = await signUpCustomer(test);
    const { page, offOrigin } = browser;

    await page.goto(`${exampleOrigin}/`);
    const row = page.locator(`tr[data-product-id="${product.id}"]`);
    await row.locator('.stock', { hasText: '5' }).waitFor();

    await page.fill('#email', customer.email);
    await page.fill('#password', PASSWORD);
    await page.click('#sign-in button');
    await page.locator('#viewer', { hasText: customer.name }).waitFor();

    await row.locator('button').click();
    await page.locator('#orders .status-PAID').waitFor({ timeout: 30_000 });
    await row.locator('.stock', { hasText: '4' }).waitFor();
    await page.locator('#notifications li').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'example-storefront-paid');

    expect(await page.textContent('#error')).toBe('');
    expect(offOrigin).toEqual([]);
  });
});
