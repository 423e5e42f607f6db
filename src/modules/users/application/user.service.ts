import { requireAdmin, requireViewer } from '../../../platform/authorization';
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
  type Role,
  type User,
} from '../domain/user';
import {
  EmailAlreadyRegisteredError,
  InvalidCredentialsError,
  InvalidTokenError,
  SessionEndedError,
  UserNotFoundError,
} from '../domain/user.errors';
import type { AccountStateCache, UserChanges } from './account-states';
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

export interface ChangePasswordCommand {
  currentPassword: string;
  newPassword: string;
}

export class UserService {
  /** Verified against when the email is unknown, so both failures cost one hash verification. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly attempts: AttemptLimits,
    private readonly accounts: AccountStateCache,
    private readonly changes: UserChanges,
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
    return { user, ...(await this.tokens.issue({ ...user, tokenVersion: 0 })) };
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
    await this.attempts.recordSuccessfulSignIn(email, clientIp);
    const { passwordHash: _hash, tokenVersion, ...user } = found;
    return { user, ...(await this.tokens.issue({ ...user, tokenVersion })) };
  }

  /**
   * The viewer a token stands for, as the database says now: a deleted account or a revoked
   * token is UNAUTHENTICATED, and the role is the account's current one, not the token's claim.
   * Served from the account-state cache, so a warm request costs no SQL statement.
   */
  async authenticate(token: string): Promise<AuthenticatedViewer> {
    const claims = await this.tokens.verify(token);
    if (!isUuid(claims.userId)) throw new InvalidTokenError();
    const account = await this.accounts.get(claims.userId);
    if (!account || account.tokenVersion !== claims.tokenVersion) throw new SessionEndedError();
    return { id: claims.userId, role: account.role, expiresAt: claims.expiresAt };
  }

  /** Ends every session of the viewer, on every device: all their tokens stop working at once. */
  async signOut(viewer: Viewer): Promise<boolean> {
    const { id } = requireViewer(viewer);
    await this.users.revokeTokens(id);
    await this.changes.publish(id);
    return true;
  }

  /**
   * Sets a new password after checking the current one (wrong guesses count as failed sign-ins),
   * revokes every other session, and returns a fresh token for this one.
   */
  async changePassword(viewer: Viewer, command: ChangePasswordCommand, clientIp: string): Promise<Session> {
    const { id } = requireViewer(viewer);
    if (command.newPassword.length < PASSWORD_MIN_LENGTH || command.newPassword.length > PASSWORD_MAX_LENGTH) {
      throw new ValidationError([{ path: 'input.newPassword', message: `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` }]);
    }
    const found = await this.users.findByIdWithPasswordHash(id);
    if (!found) throw new SessionEndedError();
    await this.attempts.assertSignInAllowed(clientIp, found.email);
    if (!(await this.passwords.verify(found.passwordHash, command.currentPassword))) {
      await this.attempts.recordFailedSignIn(clientIp, found.email);
      throw new InvalidCredentialsError();
    }
    const tokenVersion = await this.users.revokeTokens(id, await this.passwords.hash(command.newPassword));
    if (tokenVersion === null) throw new SessionEndedError();
    await this.changes.publish(id);
    const { passwordHash: _hash, tokenVersion: _old, ...user } = found;
    return { user, ...(await this.tokens.issue({ ...user, tokenVersion })) };
  }

  /** Admin only. The user's tokens keep working, with the new role from their next request. */
  async setRole(viewer: Viewer, userId: string, role: Role): Promise<User> {
    requireAdmin(viewer);
    if (!isUuid(userId) || !(await this.users.findById(userId))) throw new UserNotFoundError();
    const user = await this.users.update(userId, { role });
    await this.changes.publish(userId);
    return user;
  }

  /** Admin only. A user with orders cannot be deleted (CONFLICT); the account's tokens stop working. */
  async deleteUser(viewer: Viewer, userId: string): Promise<boolean> {
    requireAdmin(viewer);
    if (!isUuid(userId) || !(await this.users.delete(userId))) throw new UserNotFoundError();
    await this.changes.publish(userId);
    return true;
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
      const user = await this.users.update(existing.id, { role: 'ADMIN' });
      // A reset password ends the sessions made with the old one.
      if (!matches) await this.users.revokeTokens(existing.id, await this.passwords.hash(command.password));
      await this.changes.publish(existing.id);
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
