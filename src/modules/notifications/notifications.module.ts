import type { Database } from '../../platform/database';
import type { AnyEventHandler, EventPublisher } from '../../platform/events';
import type { JobHandler, JobQueue } from '../../platform/jobs';
import type { ResolverClass } from '../../platform/graphql/schema';
import type { UserService } from '../users';
import type { EmailSender } from './application/email-sender';
import { notifyOnOrderPlaced, notifyOnOrderStatusChanged, sendEmailJob } from './application/notification.handlers';
import { NotificationService } from './application/notification.service';
import type { NotificationEvents } from './domain/notification.events';
import { NotificationResolver } from './graphql/notification.resolver';
import { SqlNotificationRepository } from './infrastructure/sql-notification.repository';

export interface NotificationsModule {
  service: NotificationService;
  resolvers: Map<ResolverClass, object>;
  eventHandlers: AnyEventHandler[];
  jobHandlers: Map<string, JobHandler>;
}

export function createNotificationsModule(deps: {
  database: Database;
  users: UserService;
  email: EmailSender;
  jobs: JobQueue;
  events: EventPublisher<NotificationEvents>;
}): NotificationsModule {
  const service = new NotificationService(
    new SqlNotificationRepository(deps.database),
    deps.users,
    deps.email,
    deps.jobs,
    deps.database,
    deps.events,
  );
  return {
    service,
    resolvers: new Map<ResolverClass, object>([[NotificationResolver, new NotificationResolver(service)]]),
    eventHandlers: [notifyOnOrderPlaced(service), notifyOnOrderStatusChanged(service)],
    jobHandlers: new Map([['notifications.send-email', sendEmailJob(service)]]),
  };
}
