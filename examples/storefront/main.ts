/** The example storefront: products with live stock, sign-in, ordering, live order status and notifications. */
import { GraphQLError, StorefrontApi } from './api';

declare const API_URL: string; // set by serve.mjs at bundle time

interface Product {
  id: string;
  name: string;
  stock: number;
  price: { amount: number; currency: string };
}

const api = new StorefrontApi(API_URL);
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const money = ({ amount, currency }: { amount: number; currency: string }) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 100);

function showError(error: unknown): void {
  $('#error').textContent = error instanceof GraphQLError ? `${error.code}: ${error.message}` : String(error);
}

function item(list: string, text: string, id?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  if (id) li.id = id;
  $(list).prepend(li);
  return li;
}

async function loadProducts(): Promise<void> {
  const { products } = await api.request<{ products: { edges: { node: Product }[] } }>('StorefrontProducts', { first: 10 });
  const rows = products.edges.map(({ node }) => {
    const row = document.createElement('tr');
    row.dataset.productId = node.id;
    row.innerHTML = '<td class="name"></td><td></td><td class="stock"></td><td><button type="button">Order 1</button></td>';
    row.cells[0]!.textContent = node.name;
    row.cells[1]!.textContent = money(node.price);
    row.cells[2]!.textContent = String(node.stock);
    row.querySelector('button')!.addEventListener('click', () => void placeOrder(node).catch(showError));
    return row;
  });
  $('#products tbody').replaceChildren(...rows);
  api.subscribe<{ stockChanged: { productId: string; stock: number } }>(
    'StorefrontStockChanged',
    { productIds: products.edges.map(({ node }) => node.id) },
    ({ stockChanged }) => {
      const cell = document.querySelector(`tr[data-product-id="${stockChanged.productId}"] .stock`);
      if (cell) cell.textContent = String(stockChanged.stock);
    },
    showError,
  );
}

async function placeOrder(product: Product): Promise<void> {
  // One key per click: a retry of this request (say, after a timeout) cannot order twice.
  const idempotencyKey = crypto.randomUUID();
  const { placeOrder: order } = await api.request<{ placeOrder: { id: string; status: string; total: { amount: number; currency: string } } }>(
    'StorefrontPlaceOrder',
    { input: { idempotencyKey, items: [{ productId: product.id, quantity: 1 }] } },
  );
  const li = item('#orders', '', `order-${order.id}`);
  const show = (status: string) => {
    li.textContent = `${product.name}, ${money(order.total)}: `;
    const badge = document.createElement('span');
    badge.className = `status status-${status}`;
    badge.textContent = status;
    li.append(badge);
  };
  show(order.status);
  api.subscribe<{ orderUpdated: { id: string; status: string } }>('StorefrontOrderUpdated', { id: order.id }, ({ orderUpdated }) => show(orderUpdated.status), showError);
}

$('#sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    const { signIn } = await api.request<{ signIn: { token: string; user: { name: string; email: string } } }>('StorefrontSignIn', {
      input: { email: $<HTMLInputElement>('#email').value, password: $<HTMLInputElement>('#password').value },
    });
    api.signedIn(signIn.token);
    $('#viewer').textContent = `Signed in as ${signIn.user.name}`;
    api.subscribe<{ notificationAdded: { id: string; kind: string; message: string } }>(
      'StorefrontNotifications',
      {},
      ({ notificationAdded }) => void item('#notifications', `${notificationAdded.kind}: ${notificationAdded.message}`),
      showError,
    );
    await loadProducts();
  })().catch(showError);
});

loadProducts().catch(showError);
