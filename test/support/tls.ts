/**
 * Throwaway TLS material for tests: a private CA and one leaf certificate it signed, made with
 * the openssl CLI (EC P-256 keys: a few tens of milliseconds) into a fresh temp directory.
 *
 * ```ts
 * const tls = await makeTestTls(); // leaf for DNS:localhost and IP:127.0.0.1
 * const mock = await startMockProvider({ name: 'up', tls: { certFile: tls.certFile, keyFile: tls.keyFile } });
 * // ...a client trusting tls.caFile verifies https://localhost:<port>
 * await tls.cleanup();
 * ```
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface TestTls {
  /** The directory holding every file; `cleanup` removes it. */
  readonly dir: string;
  /** PEM certificate of the CA: what a client trusts (`caFile` in relay configs, `ca` in Node). */
  readonly caFile: string;
  /** PEM leaf certificate for the server (`--tls-cert`). */
  readonly certFile: string;
  /** PEM private key of the leaf, unencrypted (`--tls-key`). */
  readonly keyFile: string;
  /** Removes the directory. Idempotent. */
  cleanup(): Promise<void>;
}

export interface TestTlsOptions {
  /** subjectAltName entries of the leaf. Default `['DNS:localhost', 'IP:127.0.0.1']`. */
  readonly names?: readonly string[];
}

/** Makes a CA and a leaf certificate it signed (valid for two days) in a new temp directory. */
export async function makeTestTls(options: TestTlsOptions = {}): Promise<TestTls> {
  const names = options.names ?? ['DNS:localhost', 'IP:127.0.0.1'];
  const dir = await mkdtemp(join(tmpdir(), 'relaybench-tls-'));
  const at = (file: string): string => join(dir, file);
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await run(OPENSSL, [
      ...['req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2'],
      ...['-subj', '/CN=relaybench test CA', '-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
    await run(OPENSSL, ['req', ...EC_KEY, '-keyout', at('key.pem'), '-out', at('leaf.csr'), '-subj', '/CN=localhost']);
    await writeFile(
      at('leaf.ext'),
      [
        `subjectAltName=${names.join(',')}`,
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    await run(OPENSSL, [
      ...['x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-set_serial', '1'],
      ...['-days', '2', '-extfile', at('leaf.ext'), '-out', at('cert.pem')],
    ]);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, caFile: at('ca.pem'), certFile: at('cert.pem'), keyFile: at('key.pem'), cleanup };
}
