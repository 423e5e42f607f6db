/** The users module's public surface: other modules import from here only. */
export { createPasswordHasher, createUsersModule, type UserAttemptLimits, type UsersModule } from './users.module';
export type { UserService } from './application/user.service';
export type { User, Role } from './domain/user';
export { UserType } from './graphql/user.type';
export { UserLoaders } from './graphql/user.loaders';
export type { UserLiveTopics } from './domain/user.live';
