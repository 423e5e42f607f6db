import type { Transporter } from 'nodemailer';
import type { Logger } from '../../platform/logger';
import type { EmailMessage, EmailSender } from '../../modules/notifications';

/**
 * Email over SMTP with nodemailer (`SMTP_URL`, e.g. smtp://user:pass@host:587). Without a URL it
 * uses nodemailer's JSON transport and logs the message, so development needs no mail server.
 */
export class NodemailerEmailSender implements EmailSender {
  private transport: Transporter | undefined;

  constructor(private readonly options: { smtpUrl?: string; from: string; timeoutMs: number; logger: Logger }) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const info = await this.transporter().sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text });
    if (!this.options.smtpUrl) {
      this.options.logger.info({ email: { subject: message.subject, messageId: info.messageId } }, 'email (JSON transport, not sent)');
    }
    return { messageId: String(info.messageId) };
  }

  close(): void {
    this.transport?.close();
  }

  /**
   * Made on the first message: only the worker sends email, and nodemailer is about 2 MB of heap
   * that an API process would otherwise carry.
   */
  private transporter(): Transporter {
    if (this.transport) return this.transport;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodemailer = require('nodemailer') as typeof import('nodemailer');
    const { smtpUrl, timeoutMs } = this.options;
    // The timeouts go next to `url` in one options object: a second argument to createTransport
    // holds message defaults, where they would be ignored. (The keys beside `url` count since nodemailer 10.)
    this.transport = smtpUrl
      ? nodemailer.createTransport({ url: smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs })
      : nodemailer.createTransport({ jsonTransport: true });
    return this.transport;
  }
}
