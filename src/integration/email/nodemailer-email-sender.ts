import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../platform/logger';
import type { EmailMessage, EmailSender } from '../../modules/notifications';

/**
 * Email over SMTP with nodemailer (`SMTP_URL`, e.g. smtp://user:pass@host:587). Without a URL it
 * uses nodemailer's JSON transport and logs the message, so development needs no mail server.
 */
export class NodemailerEmailSender implements EmailSender {
  private readonly transport: Transporter;

  constructor(
    private readonly options: { smtpUrl?: string; from: string; timeoutMs: number; logger: Logger },
  ) {
    // The timeouts go next to `url` in one options object: a second argument to createTransport
    // holds message defaults, where they would be ignored. (The keys beside `url` count since nodemailer 10.)
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({
          url: options.smtpUrl,
          connectionTimeout: options.timeoutMs,
          greetingTimeout: options.timeoutMs,
          socketTimeout: options.timeoutMs,
        })
      : nodemailer.createTransport({ jsonTransport: true });
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text });
    if (!this.options.smtpUrl) {
      this.options.logger.info({ email: { subject: message.subject, messageId: info.messageId } }, 'email (JSON transport, not sent)');
    }
    return { messageId: String(info.messageId) };
  }

  close(): void {
    this.transport.close();
  }
}
