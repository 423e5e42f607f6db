import { ValidationError } from '../../../platform/errors';
import { isUuid } from '../../../platform/ids';
import { isAdmin, type AuthenticatedViewer, type Viewer } from '../../../platform/viewer';
import {
  EMAIL_RULE,
  isValidEmail,
  NAME_MAX_LENGTH,
  normalizeEmail,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type User,
} from '../domain/user';
import { EmailAlreadyRegisteredError, InvalidCredentialsError } from '../domain/user.errors';
import type { AttemptLimits, IssuedToken, PasswordHasher, TokenIssuer } from './credentials';
import type { UserRepository } from './user.repository';

export interface SignUpCommand {
  email: string;
  name: string;
  password: string;
}

export interface SignInCommand {
  email: string;
  password: string;
}

export interface Session extends IssuedToken {
  user: User;
}

export class UserService {
  /** Verified against when the email is unknown, so both failures cost one hash verification. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly attempts: AttemptLimits,
  ) {}

  async signUp(command: SignUpCommand, clientIp: string): Promise<Session> {
    const email = normalizeEmail(command.email);
    const name = command.name.trim();
    assertValidAccount(email, name, command.password);
    await this.attempts.consumeSignUp(clientIp);
    const user = await this.users.create({
      email,
      name,
      passwordHash: await this.passwords.hash(command.password),
      role: 'CUSTOMER',
    });
    return { user, ...(await this.tokens.issue(user)) };
  }

  /** Wrong password and unknown email fail alike, in the same time, and both count as failures. */
  async signIn(command: SignInCommand, clientIp: string): Promise<Session> {
    const email = normalizeEmail(command.email);
    await this.attempts.assertSignInAllowed(clientIp, email);
    const found = await this.users.findByEmailWithPasswordHash(email);
    const hash = found?.passwordHash ?? (await this.decoy());
    const matches = await this.passwords.verify(hash, command.password);
    if (!found || !matches) {
      await this.attempts.recordFailedSignIn(clientIp, email);
      throw new InvalidCredentialsError();
    }
    await this.attempts.recordSuccessfulSignIn(email);
    const { passwordHash: _hash, ...user } = found;
    return { user, ...(await this.tokens.issue(user)) };
  }

  authenticate(token: string): Promise<AuthenticatedViewer> {
    return this.tokens.verify(token);
  }

  async me(viewer: Viewer): Promise<User | null> {
    return viewer ? this.users.findById(viewer.id) : null;
  }

  /** A malformed id is simply unknown. */
  async findById(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.findById(id) : null;
  }

  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.users.findByIds(ids.filter(isUuid));
  }

  /** The contract shows an email only to its owner and to admins. */
  visibleEmail(viewer: Viewer, user: User): string | null {
    return viewer && (viewer.id === user.id || isAdmin(viewer)) ? user.email : null;
  }

  /**
   * Creates the admin account, or promotes an existing account and resets its password, so the
   * command can be re-run safely (e.g. from ADMIN_EMAIL/ADMIN_PASSWORD at every start).
   */
  async ensureAdmin(command: SignUpCommand): Promise<{ user: User; created: boolean }> {
    const email = normalizeEmail(command.email);
    const name = command.name.trim();
    assertValidAccount(email, name, command.password);
    const existing = await this.users.findByEmailWithPasswordHash(email);
    if (existing) {
      const matches = await this.passwords.verify(existing.passwordHash, command.password);
      const user = await this.users.update(existing.id, {
        role: 'ADMIN',
        ...(matches ? {} : { passwordHash: await this.passwords.hash(command.password) }),
      });
      return { user, created: false };
    }
    try {
      const user = await this.users.create({ email, name, passwordHash: await this.passwords.hash(command.password), role: 'ADMIN' });
      return { user, created: true };
    } catch (error) {
      // Another instance created it at the same moment: take that one.
      if (error instanceof EmailAlreadyRegisteredError) return this.ensureAdmin(command);
      throw error;
    }
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= this.passwords.hash('decoy password that never matches anything');
    return this.decoyHash;
  }
}

function assertValidAccount(email: string, name: string, password: string): void {
  const problems = [];
  if (!isValidEmail(email)) problems.push({ path: 'input.email', message: EMAIL_RULE });
  if (name.length < 1 || name.length > NAME_MAX_LENGTH) {
    problems.push({ path: 'input.name', message: `must be 1 to ${NAME_MAX_LENGTH} characters` });
  }
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    problems.push({ path: 'input.password', message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}
