import { createAdmin, createProduct, type TestUser } from '../factories';
import { RestockProductDocument } from '../generated/graphql';
import { describeInBrowser, openBrowser, screenshot, type BrowserSession } from '../support/browser';
import { dataOf } from '../support/graphql-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/wait';

/** GraphiQL's editors are CodeMirror 5 instances; these read and write them from the page. */
const editor = (selector: string) => `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
const QUERY_EDITOR = editor('.graphiql-query-editor');
const HEADERS_EDITOR = editor('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
const RESPONSE = editor('.graphiql-response');

describeInBrowser('explorer at /graphql (self-hosted GraphiQL, headless Chromium)', () => {
  let test: TestApp;
  let browser: BrowserSession;
  let admin: TestUser;

  beforeAll(async () => {
    // Events (StockChanged) travel through the job queue, so a worker runs beside the API.
    test = await startTestApp({ worker: true });
    admin = await createAdmin(test);
    const origin = new URL(test.url).origin;
    browser = await openBrowser([origin]);
  });

  afterAll(async () => {
    await browser?.close();
    await test?.stop();
  });

  async function run(page: BrowserSession['page'], query: string): Promise<void> {
    await page.evaluate(`${QUERY_EDITOR}.setValue(${JSON.stringify(query)})`);
    await page.click('.graphiql-execute-button');
  }
  const response = (page: BrowserSession['page']) => page.evaluate(`${RESPONSE}.getValue()`) as Promise<string>;

  it('when a browser opens /graphql offline, then GraphiQL loads from the server alone and runs a query with the bearer token from the headers editor', async () => {
    const { page, offOrigin } = browser;
    await page.goto(test.url);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    // The docs come from introspection: the explorer's query must pass the depth limit.
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer-content >> text=Query');

    await page.evaluate(`${HEADERS_EDITOR}.setValue(${JSON.stringify(JSON.stringify({ Authorization: `Bearer ${admin.token}` }))})`);
    await run(page, '{ me { email role } }');
    const text = await eventually(() => response(page), (value) => value.includes(admin.email), { what: 'the me query result' });

    expect(JSON.parse(text)).toMatchObject({ data: { me: { email: admin.email, role: 'ADMIN' } } });
    expect(offOrigin).toEqual([]);
  });

  it('when a subscription runs in the explorer, then stock changes arrive live over graphql-ws on the same path', async () => {
    const { page, offOrigin } = browser;
    const product = await createProduct(test, admin, { stock: 5 });
    await run(page, `subscription { stockChanged(productIds: ["${product.id}"]) { productId stock } }`);

    // Restock until an event shows (the subscription starts asynchronously), then the pane must
    // settle on the latest level: a live update trails its commit by the job's hop through the worker.
    let stock = 5;
    await eventually(
      async () => {
        const { restockProduct } = dataOf(await test.client.request(RestockProductDocument, { id: product.id, quantity: 1 }, { token: admin.token }));
        stock = restockProduct.stock;
        return response(page);
      },
      (value) => value.includes(product.id),
      { what: 'a stockChanged event in the response pane', intervalMs: 500 },
    );
    await eventually(() => response(page), (value) => value.includes(`"stock": ${stock}`), { what: `the latest stock level (${stock}) in the response pane` });
    const file = await screenshot(page, 'explorer-subscription');
    expect(file).toMatch(/explorer-subscription\.png$/);
    expect(offOrigin).toEqual([]);
  });
});
