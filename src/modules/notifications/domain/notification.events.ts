/** Events the notifications module publishes. */
export interface NotificationEvents {
  NotificationCreated: { notificationId: string; userId: string; at: string };
}
