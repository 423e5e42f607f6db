export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** The port to email delivery; the SMTP adapter lives in src/integration/email. */
export interface EmailSender {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}
