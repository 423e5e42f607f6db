import { Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { EMAIL_MAX_LENGTH, EMAIL_PATTERN, EMAIL_RULE, NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/user';

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  @Matches(EMAIL_PATTERN, { message: EMAIL_RULE })
  @MaxLength(EMAIL_MAX_LENGTH)
  email!: string;

  @Field()
  @Length(1, NAME_MAX_LENGTH)
  name!: string;

  @Field()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;
}

@InputType('SignInInput')
export class SignInInput {
  @Field()
  @MaxLength(254)
  email!: string;

  @Field()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

@InputType('ChangePasswordInput')
export class ChangePasswordInput {
  @Field()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @Field()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  newPassword!: string;
}
