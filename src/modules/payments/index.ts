/** The payments module's public surface: other modules and adapters import from here only. */
export { createPaymentsModule, type PaymentsModule } from './payments.module';
export {
  PaymentDeclinedError,
  PaymentProviderCircuitOpenError,
  PaymentProviderUnavailableError,
  type GatewayCallHooks,
  type PaymentGateway,
} from './application/payment-gateway';
export type { PaymentEvents } from './domain/payment.events';
export type { Payment, PaymentStatus } from './domain/payment';
