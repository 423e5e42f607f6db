import { ConflictError, NotFoundError, UnauthenticatedError } from '../../../platform/errors';

export class EmailAlreadyRegisteredError extends ConflictError {
  constructor() {
    super('An account with this email already exists', 'USERS.EMAIL_TAKEN');
  }
}

/** One message for an unknown email and a wrong password, so sign-in reveals no accounts. */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('Invalid email or password', 'USERS.INVALID_CREDENTIALS');
  }
}

export class InvalidTokenError extends UnauthenticatedError {
  constructor() {
    super('Invalid or expired token; sign in again', 'USERS.INVALID_TOKEN');
  }
}

/** The token was valid but its session ended: signed out, password changed, or account deleted. */
export class SessionEndedError extends UnauthenticatedError {
  constructor() {
    super('This session has ended; sign in again', 'USERS.SESSION_ENDED');
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('No such user', 'USERS.NOT_FOUND');
  }
}

/** Orders are kept for bookkeeping, so an account that has any cannot be deleted. */
export class UserHasOrdersError extends ConflictError {
  constructor() {
    super('A user with orders cannot be deleted', 'USERS.HAS_ORDERS');
  }
}
