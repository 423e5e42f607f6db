export {
  EventBus,
  eventTaskName,
  type AnySubscription,
  type EventEnvelope,
  type EventHandler,
  type EventPublisher,
  type EventSubscription,
  type HandlerContext,
} from './event-bus';
export { eventJobHandlers } from './event-dispatcher';
export {
  fromUnstamped,
  withField,
  toCurrentVersion,
  type EventStamp,
  type EventVersions,
  type EventVersionTable,
} from './event-versions';
