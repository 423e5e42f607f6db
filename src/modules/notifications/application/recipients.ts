/**
 * Where notifications finds a user's email address. Notifications owns this port; the
 * composition implements it with the users module's public API.
 */
export interface Recipients {
  findById(userId: string): Promise<{ email: string } | null>;
}
