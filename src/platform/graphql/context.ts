import type { Logger } from '../logger';
import type { Viewer } from '../viewer';
import type { LoaderRegistry } from './loader-registry';

/** What every resolver receives. Built fresh for each HTTP request and each subscription event. */
export interface GraphQLContext {
  requestId: string;
  viewer: Viewer;
  /** The caller's address (behind trusted proxies: the forwarded one), for per-IP limits. */
  clientIp: string;
  logger: Logger;
  loaders: LoaderRegistry;
}
