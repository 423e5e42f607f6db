import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import type { UserService, Session } from '../application/user.service';
import { ChangePasswordInput, SignInInput, SignUpInput } from './auth.inputs';
import { AuthPayloadType, RoleEnum, UserType } from './user.type';

@Resolver(() => UserType)
export class UserResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => UserType, { nullable: true, description: 'The signed-in user, or null.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const user = await this.users.me(ctx.viewer);
    return user ? UserType.from(user) : null;
  }

  @Mutation(() => AuthPayloadType)
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayloadType> {
    return toPayload(await this.users.signUp(input, ctx.clientIp));
  }

  @Mutation(() => AuthPayloadType)
  async signIn(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayloadType> {
    return toPayload(await this.users.signIn(input, ctx.clientIp));
  }

  @Mutation(() => Boolean, {
    description: 'Ends every session of the signed-in user, on every device: all their tokens stop working. Anonymous: UNAUTHENTICATED.',
  })
  signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.users.signOut(ctx.viewer);
  }

  @Mutation(() => AuthPayloadType, {
    description:
      'Sets a new password. Every other session ends; the payload carries a new token for this one. A wrong currentPassword is UNAUTHENTICATED and counts as a failed sign-in.',
  })
  async changePassword(@Arg('input', () => ChangePasswordInput) input: ChangePasswordInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayloadType> {
    return toPayload(await this.users.changePassword(ctx.viewer, input, ctx.clientIp));
  }

  @Mutation(() => UserType, { description: "Admin only. Takes effect on the user's next request, over HTTP and WebSocket." })
  async setUserRole(@Arg('id', () => ID) id: string, @Arg('role', () => RoleEnum) role: RoleEnum, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return UserType.from(await this.users.setRole(ctx.viewer, id, role));
  }

  @Mutation(() => Boolean, { description: "Admin only. A user with orders cannot be deleted (CONFLICT). The user's tokens stop working." })
  deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return this.users.deleteUser(ctx.viewer, id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Visible to the user themself and to admins; null for anyone else.',
  })
  email(@Root() user: UserType, @Ctx() ctx: GraphQLContext): string | null {
    return this.users.visibleEmail(user.seenBy ?? ctx.viewer, user.user);
  }
}

function toPayload(session: Session): AuthPayloadType {
  const payload = new AuthPayloadType();
  payload.token = session.token;
  payload.user = UserType.from(session.user);
  payload.user.seenBy = { id: session.user.id, role: session.user.role, expiresAt: Math.floor(session.expiresAt.getTime() / 1000) };
  return payload;
}
