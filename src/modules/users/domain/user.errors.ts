import { ConflictError, UnauthenticatedError } from '../../../platform/errors';

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
