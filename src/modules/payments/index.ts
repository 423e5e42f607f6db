/** The payments module's public surface: other modules, adapters and the composition import from here only. */

// Application API: the module's factory and the ports it owns (the gateway adapters implement).
export { createPaymentsModule, type PaymentsModule } from './payments.module';
export type { PaymentEvents } from './domain/payment.events';
export type { OrderPayments } from './application/order-payments';
export {
  PaymentDeclinedError,
  PaymentProviderCircuitOpenError,
  PaymentProviderUnavailableError,
  type GatewayCallHooks,
  type PaymentGateway,
} from './application/payment-gateway';

// Schema pieces the root mounts.
