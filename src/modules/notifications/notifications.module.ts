import type { Database } from '../../platform/database';
import type { EventHandler, EventPublisher } from '../../platform/events';
import type { OrderPlaced, OrderStatusChanged } from '../orders';
import type { JobHandler, JobQueue } from '../../platform/jobs';
import type { LoaderFactories } from '../../platform/graphql/loader-registry';
import type { ResolverClass } from '../../platform/graphql/schema';
import type { LiveChannels } from '../../platform/pubsub';
import { NotificationLiveUpdates } from './application/notification-live-updates';
import type { NotificationLiveTopics } from './domain/notification.live';
import { notificationSubscriptionResolver } from './graphql/notification-subscription.resolver';
import type { EmailSender } from './application/email-sender';
import type { Recipients } from './application/recipients';
import { notifyOnOrderPlaced, notifyOnOrderStatusChanged, sendEmailJob } from './application/notification.handlers';
import { NotificationService } from './application/notification.service';
import type { NotificationCreated, NotificationEvents } from './domain/notification.events';
import { NotificationResolver } from './graphql/notification.resolver';
import { SqlNotificationRepository } from './infrastructure/sql-notification.repository';

export interface NotificationsModule {
  service: NotificationService;
  resolvers: Map<ResolverClass, object>;
  eventHandlers: {
    onOrderPlaced: EventHandler<OrderPlaced>;
    onOrderStatusChanged: EventHandler<OrderStatusChanged>;
    liveOnNotificationCreated: EventHandler<NotificationCreated>;
  };
  jobHandlers: Map<string, JobHandler>;
  registerLoaders(loaders: LoaderFactories): void;
}

export function createNotificationsModule(deps: {
  database: Database;
  users: Recipients;
  email: EmailSender;
  jobs: JobQueue;
  events: EventPublisher<NotificationEvents>;
  live: LiveChannels<NotificationLiveTopics>;
}): NotificationsModule {
  const repository = new SqlNotificationRepository(deps.database);
  const live = new NotificationLiveUpdates(repository, deps.live);
  const SubscriptionResolver = notificationSubscriptionResolver(live);
  const service = new NotificationService(
    repository,
    deps.users,
    deps.email,
    deps.jobs,
    deps.database,
    deps.events,
  );
  return {
    service,
    resolvers: new Map<ResolverClass, object>([
      [NotificationResolver, new NotificationResolver(service)],
      [SubscriptionResolver, new SubscriptionResolver()],
    ]),
    eventHandlers: {
      onOrderPlaced: notifyOnOrderPlaced(service),
      onOrderStatusChanged: notifyOnOrderStatusChanged(service),
      liveOnNotificationCreated: live.handler(),
    },
    jobHandlers: new Map([['notifications.send-email', sendEmailJob(service)]]),
    registerLoaders: () => {},
  };
}
