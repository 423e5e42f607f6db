import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../../platform/graphql/context';
import type { UserService, Session } from '../application/user.service';
import { SignInInput, SignUpInput } from './auth.inputs';
import { AuthPayloadType, UserType } from './user.type';

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
