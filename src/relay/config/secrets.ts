/**
 * Secrets never live in the relay config file: provider keys come from the environment
 * (`apiKeyEnv`), client keys as sha256 hashes. This finds values and fields that look like
 * secrets so validation can refuse them without echoing them.
 */
import type { IssuePath } from '../../yaml-errors.js';

/** Common API key shapes (OpenAI/DeepSeek `sk-`, Anthropic `sk-ant-`, Google `AIza`, bearer headers, ...). */
const SECRET_VALUES: readonly RegExp[] = [
  /^(sk|rk|pk)-[A-Za-z0-9_-]{16,}$/,
  /^AIza[0-9A-Za-z_-]{30,}$/,
  /^(xai|gsk|ghp|glpat|github_pat)[-_][A-Za-z0-9_-]{16,}$/,
  /^bearer\s+\S{8,}/i,
];

/** Field names that can only hold a secret. `apiKeyEnv` (a variable name) is fine. */
const SECRET_FIELDS =
  /^(api[_-]?key|apikey|key|secret|client[_-]?secret|password|passwd|token|access[_-]?token|auth[_-]?token|authorization|bearer)$/i;

/** True for a string shaped like an API key or bearer token. */
export function looksLikeSecret(value: unknown): boolean {
  return typeof value === 'string' && SECRET_VALUES.some((pattern) => pattern.test(value.trim()));
}

/** True when the value at `path` must not be echoed in an error message. */
export function isSecretPath(path: IssuePath, value: unknown): boolean {
  const last = path[path.length - 1];
  return looksLikeSecret(value) || last === 'sha256' || (typeof last === 'string' && SECRET_FIELDS.test(last));
}

export interface SecretFinding {
  readonly path: IssuePath;
  readonly message: string;
}

/** Walks `input` and reports every secret-looking value or field, and URLs carrying credentials. */
export function findSecrets(input: unknown): SecretFinding[] {
  const found: SecretFinding[] = [];
  walk(input, [], found, 0);
  return found;
}

const FROM_ENV = 'keys are read from the environment only: name the variable with apiKeyEnv (apiKeyEnvs for a pool)';

function walk(value: unknown, path: Array<string | number>, found: SecretFinding[], depth: number): void {
  if (depth > 12) return;
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) found.push({ path, message: `looks like an API key; ${FROM_ENV} (value not shown)` });
    else if (path[path.length - 1] === 'baseUrl' && urlHasCredentials(value)) {
      found.push({ path, message: `the URL carries credentials; ${FROM_ENV} (value not shown)` });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, [...path, index], found, depth + 1));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    if (SECRET_FIELDS.test(key)) {
      found.push({ path: childPath, message: `secrets are not allowed in the config file; ${FROM_ENV}` });
    } else {
      walk(child, childPath, found, depth + 1);
    }
  }
}

function urlHasCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.username !== '' || url.password !== '') return true;
    for (const name of url.searchParams.keys()) if (SECRET_FIELDS.test(name)) return true;
    return false;
  } catch {
    return false;
  }
}
