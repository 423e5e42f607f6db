import DataLoader from 'dataloader';
import { observedBatch, type BatchObserver } from '../../../platform/graphql/loader-registry';
import type { UserService } from '../application/user.service';
import type { User } from '../domain/user';

/** Users by id, batched per request (Review.author, Order.customer). */
export class UserLoaders {
  readonly byId: DataLoader<string, User | null>;

  constructor(users: UserService, observeBatch: BatchObserver) {
    this.byId = new DataLoader(
      observedBatch('users.byId', observeBatch, async (ids: readonly string[]) => {
        const found = new Map((await users.findByIds(ids)).map((u) => [u.id, u]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    );
  }
}
