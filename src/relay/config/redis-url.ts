/** Checks of the `state.redis.url` field (a Redis connection URL, never carrying a password). */

/** True for a parseable `redis://` or `rediss://` URL with a host. */
export function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** True when the URL holds a password (`redis://:secret@host`): secrets come from `passwordEnv`. */
export function redisUrlHasPassword(text: string): boolean {
  try {
    return new URL(text).password !== '';
  } catch {
    return false;
  }
}
