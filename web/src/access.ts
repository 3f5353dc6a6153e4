// Read access for the wall: a read-only wall token from the URL (`/?token=…`, set up with
// WALL_TOKENS on the server), kept for the tab's life so a reload or reconnect keeps it; or, in
// the console, the signed-in session. Without WALL_TOKENS the server's read side is open and no
// token is needed.
import { loadSession } from './console/api.ts';

const KEY = 'gridwatch.wall.token';

export function wallToken(): string | null {
  try {
    const fromUrl = new URLSearchParams(window.location.search).get('token');
    if (fromUrl) {
      sessionStorage.setItem(KEY, fromUrl);
      return fromUrl;
    }
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The token to read with: the console's session when signed in, else the wall token. */
export function readToken(): string | null {
  return loadSession()?.token ?? wallToken();
}

/** Headers for the read API. */
export function readHeaders(): Record<string, string> {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}
