export const ROLES = ['CUSTOMER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

/** Emails are compared case-insensitively and without surrounding space. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The one email rule, for inputs and the service alike: something@domain.tld, at most 254 characters (RFC 5321). */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_RULE = 'must be a valid email address';
export const isValidEmail = (email: string): boolean => email.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(email);

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MAX_LENGTH = 100;
