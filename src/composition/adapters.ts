// Owns the choice of adapters to the outside world — the payment gateway (starting the bundled
// sandbox provider when no provider is configured) and the email sender — and their shutdown.
import { NodemailerEmailSender } from '../integration/email/nodemailer-email-sender';
import { HttpPaymentGateway } from '../integration/payment-gateway/http-payment-gateway';
import { SandboxPaymentProvider } from '../integration/payment-gateway/sandbox-provider';
import type { EmailSender } from '../modules/notifications';
import { PaymentProviderUnavailableError, type PaymentGateway } from '../modules/payments';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { CIRCUIT_STATE_VALUES, type Metrics } from '../platform/metrics';

/** The adapters to the outside world; entry points and tests choose them. */
export interface Adapters {
  gateway: PaymentGateway;
  email: EmailSender;
}

export interface RunningAdapters extends Adapters {
  close(): Promise<void>;
}

/** The HTTP payment adapter with the configured timeout, retries and circuit breaker. */
export function createPaymentGateway(config: Config, logger: Logger, baseUrl: string, metrics?: Metrics): HttpPaymentGateway {
  return new HttpPaymentGateway({
    baseUrl,
    timeoutMs: config.payments.timeoutMs,
    maxRetries: config.payments.maxRetries,
    breakerThreshold: config.payments.breakerThreshold,
    breakerHalfOpenAfterMs: config.payments.breakerHalfOpenAfterMs,
    logger,
    onCircuitStateChange: (state) => metrics?.circuitState.set({ integration: 'payment-gateway' }, CIRCUIT_STATE_VALUES[state] ?? -1),
  });
}

/** The SMTP adapter from configuration (without SMTP_URL it logs the mail instead of sending). */
export function createEmailSender(config: Config, logger: Logger): NodemailerEmailSender {
  return new NodemailerEmailSender({ smtpUrl: config.email.smtpUrl, from: config.email.from, timeoutMs: config.email.timeoutMs, logger });
}

/**
 * The production adapters from configuration. Without PAYMENT_PROVIDER_URL, a process that runs
 * jobs starts the bundled sandbox provider on a free loopback port, so the real HTTP adapter runs.
 */
export async function createAdapters(
  config: Config,
  logger: Logger,
  options: { runsJobs: boolean; metrics?: Metrics },
): Promise<RunningAdapters> {
  const email = createEmailSender(config, logger);
  let sandbox: SandboxPaymentProvider | undefined;
  let providerUrl = config.payments.providerUrl;
  if (!providerUrl && options.runsJobs) {
    sandbox = await SandboxPaymentProvider.start();
    providerUrl = sandbox.url;
    logger.info({ url: sandbox.url }, 'no PAYMENT_PROVIDER_URL: started the sandbox payment provider');
  }
  const gateway = providerUrl ? createPaymentGateway(config, logger, providerUrl, options.metrics) : noPaymentProviderHere;
  return {
    gateway,
    email,
    close: async () => {
      email.close();
      await sandbox?.stop();
    },
  };
}

/**
 * For work that never reaches the outside world (a CLI task, emitting the schema): any call
 * fails instead of charging or mailing from the wrong place.
 */
export function detachedAdapters(): Adapters {
  return {
    gateway: noPaymentProviderHere,
    email: { send: () => Promise.reject(new Error('this process sends no email')) },
  };
}

const unavailable = () => Promise.reject(new PaymentProviderUnavailableError('no payment provider is configured in this process'));

/** For processes that never call the provider (an API-only process without PAYMENT_PROVIDER_URL). */
const noPaymentProviderHere: PaymentGateway = { capture: unavailable, findCapture: unavailable, refund: unavailable };
