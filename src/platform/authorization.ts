import { ForbiddenError, UnauthenticatedError } from './errors';
import type { AuthenticatedViewer, Viewer } from './viewer';

/** Services call these first: an anonymous caller is UNAUTHENTICATED, a customer FORBIDDEN. */
export function requireViewer(viewer: Viewer): AuthenticatedViewer {
  if (!viewer) throw new UnauthenticatedError();
  return viewer;
}

export function requireAdmin(viewer: Viewer): AuthenticatedViewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.role !== 'ADMIN') throw new ForbiddenError('Only an admin may do this', 'AUTH.ADMIN_ONLY');
  return signedIn;
}
