/** Who is making a request, as established by authentication; `null` is anonymous. */
export type ViewerRole = 'CUSTOMER' | 'ADMIN';

export interface AuthenticatedViewer {
  readonly id: string;
  readonly role: ViewerRole;
  /** Seconds since the epoch at which the credential stops being valid. */
  readonly expiresAt: number;
}

export type Viewer = AuthenticatedViewer | null;

export const isAdmin = (viewer: Viewer): boolean => viewer?.role === 'ADMIN';
