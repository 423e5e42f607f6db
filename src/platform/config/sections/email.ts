import type { EnvReader } from '../env-reader';

/** Outgoing email. */
export interface EmailConfig {
  /** Unset: messages are logged (nodemailer's JSON transport), not sent. */
  smtpUrl: string | undefined;
  from: string;
  timeoutMs: number;
}

export function readEmailConfig(read: EnvReader): EmailConfig {
  return {
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    from: read.string('EMAIL_FROM') ?? 'Storefront <no-reply@storefront.local>',
    timeoutMs: read.integer('SMTP_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}
