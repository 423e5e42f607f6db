/** One channel for every instance: a user's role, token version or existence changed. */
export interface UserLiveTopics {
  USER_CHANGED: { userId: string };
}
