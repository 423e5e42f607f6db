import { ProductDocument, ProductsDocument, type ProductFilter, type ProductsQuery } from '../generated/graphql';
import { dataOf } from './graphql-client';
import type { TestApp } from './test-app';

/** Catalog reads the catalog suites assert with, anonymously, as a shop's visitor reads. */
export const readProduct = async (test: TestApp, id: string) => dataOf(await test.client.request(ProductDocument, { id })).product;

/** A product's stock as the API shows it now. */
export const stockOf = async (test: TestApp, id: string) => (await readProduct(test, id))!.stock;

export const listProducts = async (test: TestApp, variables: { first?: number; after?: string; filter?: ProductFilter }) =>
  dataOf(await test.client.request(ProductsDocument, variables)).products;

export const skusOf = (connection: ProductsQuery['products']) => connection.edges.map((e) => e.node.sku).sort();
