import type { Database } from '../../platform/database';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import type { LiveChannels } from '../../platform/pubsub';
import { AccountStateCache, type AccountStateSettings } from './application/account-states';
import type { PasswordHasher } from './application/credentials';
import type { UserLiveTopics } from './domain/user.live';
import { LiveUserChanges } from './infrastructure/live-user-changes';
import { UserService } from './application/user.service';
import { UserLoaders } from './graphql/user.loaders';
import { UserResolver } from './graphql/user.resolver';
import { Argon2PasswordHasher } from './infrastructure/argon2-password-hasher';
import { JoseTokenIssuer, type TokenSettings } from './infrastructure/jose-token-issuer';
import { RateLimitedAttempts } from './infrastructure/rate-limited-attempts';
import { TypeOrmUserRepository } from './infrastructure/typeorm-user.repository';
import type { RateLimit } from '../../platform/security/rate-limiter';
import { UserOrmEntity } from './infrastructure/user.orm-entity';

export const usersOrmEntities = [UserOrmEntity];

/** The password hashing accounts use, for tools that create accounts in bulk (the seed). */
export const createPasswordHasher = (): PasswordHasher => new Argon2PasswordHasher();

export interface UsersModule {
  service: UserService;
  /** Every change to a user's role, tokens or existence, on every instance. */
  changes: LiveUserChanges;
  resolvers: Map<ResolverClass, object>;
  registerLoaders(loaders: LoaderFactories): void;
}

export interface UserAttemptLimits {
  signInFailuresByIp: RateLimit;
  signInFailuresByEmailAndIp: RateLimit;
  signInFailuresByEmail: RateLimit;
  signUpsByIp: RateLimit;
}

const DEFAULT_ACCOUNT_CACHE: AccountStateSettings = { ttlMs: 60_000, maxEntries: 10_000 };

export function createUsersModule(deps: {
  database: Database;
  tokens: TokenSettings;
  limits: UserAttemptLimits;
  /** Carries user changes to the other instances; without it only this process learns of them. */
  live?: LiveChannels<UserLiveTopics>;
  accountCache?: AccountStateSettings;
  onPublishError?: (error: unknown) => void;
}): UsersModule {
  const repository = new TypeOrmUserRepository(deps.database);
  const accounts = new AccountStateCache((id) => repository.findAccountState(id), deps.accountCache ?? DEFAULT_ACCOUNT_CACHE);
  const changes = new LiveUserChanges(deps.live, accounts, deps.onPublishError ?? (() => {}));
  const service = new UserService(
    repository,
    createPasswordHasher(),
    new JoseTokenIssuer(deps.tokens),
    new RateLimitedAttempts(deps.limits),
    accounts,
    changes,
  );
  return {
    service,
    changes,
    resolvers: new Map<ResolverClass, object>([[UserResolver, new UserResolver(service)]]),
    registerLoaders: (loaders) => loaders.register(UserLoaders, (_viewer, observe) => new UserLoaders(service, observe)),
  };
}
