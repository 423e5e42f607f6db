import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { AuthenticatedViewer } from '../../../platform/viewer';
import type { User } from '../domain/user';

export enum RoleEnum {
  CUSTOMER = 'CUSTOMER',
  ADMIN = 'ADMIN',
}
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field()
  createdAt!: Date;

  /** Not a field: `email` is resolved by UserResolver, which applies the visibility rule. */
  user!: User;

  /**
   * Who sees this user when that is not the request's viewer: in an AuthPayload, the user who
   * just signed in or up (the request itself is anonymous).
   */
  seenBy?: AuthenticatedViewer;

  static from(user: User): UserType {
    const type = new UserType();
    type.id = user.id;
    type.name = user.name;
    type.role = user.role as RoleEnum;
    type.createdAt = user.createdAt;
    type.user = user;
    return type;
  }
}

@ObjectType('AuthPayload')
export class AuthPayloadType {
  @Field({ description: 'A bearer token for the Authorization header and for connectionParams.authorization.' })
  token!: string;

  @Field(() => UserType)
  user!: UserType;
}
