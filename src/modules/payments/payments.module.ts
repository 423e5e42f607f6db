import type { Database } from '../../platform/database';
import type { EventHandler, EventPublisher } from '../../platform/events';
import type { OrderPlaced, OrderStatusChanged } from '../orders';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import { capturePaymentOnOrderPlaced, refundPaymentOnOrderCancelled } from './application/payment.handlers';
import type { OrderPayments } from './application/order-payments';
import type { PaymentGateway } from './application/payment-gateway';
import type { PaymentEvents } from './domain/payment.events';
import { PaymentService } from './application/payment.service';
import { OrderPaymentResolver } from './graphql/order-payment.resolver';
import { PaymentLoaders } from './graphql/payment.loaders';
import { TypeOrmPaymentRepository } from './infrastructure/typeorm-payment.repository';

export interface PaymentsModule {
  service: PaymentService;
  resolvers: Map<ResolverClass, object>;
  eventHandlers: { captureOnOrderPlaced: EventHandler<OrderPlaced>; refundOnOrderCancelled: EventHandler<OrderStatusChanged> };
  registerLoaders(loaders: LoaderFactories): void;
}

export function createPaymentsModule(deps: {
  database: Database;
  gateway: PaymentGateway;
  orders: OrderPayments;
  events: EventPublisher<PaymentEvents>;
  /** Capture attempts before the order fails and the job is dead-lettered. */
  jobMaxAttempts: number;
}): PaymentsModule {
  const service = new PaymentService(new TypeOrmPaymentRepository(deps.database), deps.gateway, deps.orders, deps.database, deps.events);
  return {
    service,
    resolvers: new Map<ResolverClass, object>([[OrderPaymentResolver, new OrderPaymentResolver()]]),
    eventHandlers: {
      captureOnOrderPlaced: capturePaymentOnOrderPlaced(service, deps.jobMaxAttempts),
      refundOnOrderCancelled: refundPaymentOnOrderCancelled(service),
    },
    registerLoaders: (loaders) => loaders.register(PaymentLoaders, (_viewer, observe) => new PaymentLoaders(service, observe)),
  };
}
