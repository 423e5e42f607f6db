import type { Database } from '../../platform/database';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import type { PasswordHasher } from './application/credentials';
import { UserService } from './application/user.service';
import { UserLoaders } from './graphql/user.loaders';
import { UserResolver } from './graphql/user.resolver';
import { Argon2PasswordHasher } from './infrastructure/argon2-password-hasher';
import { JoseTokenIssuer, type TokenSettings } from './infrastructure/jose-token-issuer';
import { RateLimitedAttempts } from './infrastructure/rate-limited-attempts';
import { TypeOrmUserRepository } from './infrastructure/typeorm-user.repository';
import type { RateLimit } from '../../platform/security/rate-limiter';

/** The password hashing accounts use, for tools that create accounts in bulk (the seed). */
export const createPasswordHasher = (): PasswordHasher => new Argon2PasswordHasher();

export interface UsersModule {
  service: UserService;
  resolvers: Map<ResolverClass, object>;
  registerLoaders(loaders: LoaderFactories): void;
}

export interface UserAttemptLimits {
  signInFailuresByIp: RateLimit;
  signInFailuresByEmail: RateLimit;
  signUpsByIp: RateLimit;
}

export function createUsersModule(deps: { database: Database; tokens: TokenSettings; limits: UserAttemptLimits }): UsersModule {
  const service = new UserService(
    new TypeOrmUserRepository(deps.database),
    createPasswordHasher(),
    new JoseTokenIssuer(deps.tokens),
    new RateLimitedAttempts(deps.limits),
  );
  return {
    service,
    resolvers: new Map<ResolverClass, object>([[UserResolver, new UserResolver(service)]]),
    registerLoaders: (loaders) => loaders.register(UserLoaders, (_viewer, observe) => new UserLoaders(service, observe)),
  };
}
