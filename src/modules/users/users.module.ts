import type { Database } from '../../platform/database';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import { UserService } from './application/user.service';
import { UserLoaders } from './graphql/user.loaders';
import { UserResolver } from './graphql/user.resolver';
import { Argon2PasswordHasher } from './infrastructure/argon2-password-hasher';
import { JoseTokenIssuer, type TokenSettings } from './infrastructure/jose-token-issuer';
import { TypeOrmUserRepository } from './infrastructure/typeorm-user.repository';
import { UserOrmEntity } from './infrastructure/user.orm-entity';

export const usersOrmEntities = [UserOrmEntity];

export interface UsersModule {
  service: UserService;
  resolvers: Map<ResolverClass, object>;
  registerLoaders(loaders: LoaderFactories): void;
}

export function createUsersModule(deps: { database: Database; tokens: TokenSettings }): UsersModule {
  const service = new UserService(
    new TypeOrmUserRepository(deps.database),
    new Argon2PasswordHasher(),
    new JoseTokenIssuer(deps.tokens),
  );
  return {
    service,
    resolvers: new Map<ResolverClass, object>([[UserResolver, new UserResolver(service)]]),
    registerLoaders: (loaders) => loaders.register(UserLoaders, () => new UserLoaders(service)),
  };
}
