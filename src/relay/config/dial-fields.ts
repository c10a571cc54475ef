/**
 * A provider's `connectTo` and `caFile`: how the relay reaches an origin behind a fault-plane
 * proxy, or one whose certificate a private CA signed. `connectTo` is checked by the schema; the
 * CA file is read here, once at load, so a missing or empty file is a config error naming the
 * provider and field rather than a handshake failure on the first request.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { parseHostPort } from '../../chaos/address.js';
import type { IssuePath } from '../../yaml-errors.js';

/** `host:port` with a non-empty host: `[v6]:port` allowed, `:port` (every interface) is not an address to dial. */
export function isDialAddress(value: string): boolean {
  const address = parseHostPort(value);
  return address !== undefined && address.host !== '' && address.port > 0;
}

/** A relative `caFile` is taken from `baseDir` (the config file's folder, else the working directory). */
export function resolveCaFile(caFile: string, baseDir: string): string {
  return isAbsolute(caFile) ? caFile : resolve(baseDir, caFile);
}

/** Problems with each provider's CA file: unreadable, or no PEM certificate in it. */
export function caFileProblems(
  providers: readonly { readonly name: string; readonly caFile?: string | undefined }[],
  baseDir: string,
): { path: IssuePath; message: string }[] {
  const problems: { path: IssuePath; message: string }[] = [];
  providers.forEach((provider, index) => {
    if (provider.caFile === undefined) return;
    const file = resolveCaFile(provider.caFile, baseDir);
    const problem = certificateProblem(file);
    if (problem !== undefined)
      problems.push({ path: ['providers', index, 'caFile'], message: `provider '${provider.name}': ${problem}` });
  });
  return problems;
}

function certificateProblem(file: string): string | undefined {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read CA file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) return `no PEM certificate in CA file '${file}'`;
  try {
    new X509Certificate(pem);
  } catch (error) {
    return `CA file '${file}' holds no valid certificate: ${(error as Error).message}`;
  }
  return undefined;
}
