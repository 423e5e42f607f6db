import { RateLimitedError } from '../../../platform/errors';
import type { RateLimit } from '../../../platform/security/rate-limiter';
import type { AttemptLimits } from '../application/credentials';

/**
 * Failed sign-ins counted per (email, IP), which locks out the guesser but not the account's
 * owner elsewhere; per IP, so one IP cannot grind through many accounts; and per email with a high
 * ceiling, so a botnet cannot grind one password while one attacker still cannot lock a user out.
 */
export class RateLimitedAttempts implements AttemptLimits {
  constructor(
    private readonly limits: { signInFailuresByIp: RateLimit; signInFailuresByEmailAndIp: RateLimit; signInFailuresByEmail: RateLimit; signUpsByIp: RateLimit },
  ) {}

  async assertSignInAllowed(clientIp: string, email: string): Promise<void> {
    const states = await Promise.all([
      this.limits.signInFailuresByIp.check(clientIp),
      this.limits.signInFailuresByEmailAndIp.check(emailAndIp(email, clientIp)),
      this.limits.signInFailuresByEmail.check(email),
    ]);
    const blocked = states.filter((s) => !s.allowed);
    if (blocked.length > 0) {
      const retryAfter = Math.max(...blocked.map((s) => s.resetInSeconds));
      throw new RateLimitedError(retryAfter, `Too many failed sign-ins; try again in ${retryAfter} s`);
    }
  }

  async recordFailedSignIn(clientIp: string, email: string): Promise<void> {
    await Promise.all([
      this.limits.signInFailuresByIp.consume(clientIp),
      this.limits.signInFailuresByEmailAndIp.consume(emailAndIp(email, clientIp)),
      this.limits.signInFailuresByEmail.consume(email),
    ]);
  }

  async recordSuccessfulSignIn(email: string, clientIp: string): Promise<void> {
    await Promise.all([this.limits.signInFailuresByEmail.reset(email), this.limits.signInFailuresByEmailAndIp.reset(emailAndIp(email, clientIp))]);
  }

  async consumeSignUp(clientIp: string): Promise<void> {
    const state = await this.limits.signUpsByIp.consume(clientIp);
    if (!state.allowed) throw new RateLimitedError(state.retryAfterSeconds, `Too many sign-ups; try again in ${state.retryAfterSeconds} s`);
  }
}

const emailAndIp = (email: string, clientIp: string): string => `${clientIp}|${email}`;
