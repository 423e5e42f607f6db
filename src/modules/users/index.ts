/** The users module's public surface: other modules and the composition import from here only. */

// Application API: the module's factory (its service is reached through the module, never imported by name).
export { createPasswordHasher, createUsersModule, type UserAttemptLimits, type UsersModule } from './users.module';

// Schema pieces the root mounts (GraphQL types and loaders other modules' resolvers extend).
export { UserType } from './graphql/user.type';
export { UserLoaders } from './graphql/user.loaders';
export type { UserLiveTopics } from './domain/user.live';
