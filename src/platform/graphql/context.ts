import type { Logger } from '../logger';
import type { Viewer } from '../viewer';
import type { LoaderRegistry } from './loader-registry';

/** What every resolver receives. Built fresh for each HTTP request and each subscription event. */
export interface GraphQLContext {
  requestId: string;
  viewer: Viewer;
  logger: Logger;
  loaders: LoaderRegistry;
}
