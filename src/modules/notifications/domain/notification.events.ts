/** An in-app notification was stored for a user. */
export interface NotificationCreated {
  notificationId: string;
  userId: string;
  at: string;
}

/** Events the notifications module publishes. */
export interface NotificationEvents {
  NotificationCreated: NotificationCreated;
}
