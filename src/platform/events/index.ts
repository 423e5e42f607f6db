export {
  EventBus,
  eventTaskName,
  type AnyEventHandler,
  type EventEnvelope,
  type EventHandler,
  type EventPublisher,
  type HandlerContext,
} from './event-bus';
export { eventJobHandlers } from './event-dispatcher';
