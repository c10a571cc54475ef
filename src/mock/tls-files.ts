/**
 * A mock provider's TLS certificate and key, read and checked once at start, so a bad file is
 * reported by the flag or field that named it (`--tls-cert '/x.pem': no PEM certificate in it`)
 * instead of surfacing as a handshake failure on the first request.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigInvalidError } from '../errors.js';

/** Paths of a PEM certificate (chain) and its unencrypted PEM private key. */
export interface MockTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** What `https.createServer` takes. */
export interface MockTlsPem {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** How the certificate and key were named by the user, for messages. */
export interface TlsLabels {
  readonly cert: string;
  readonly key: string;
}

export const TLS_OPTION_LABELS: TlsLabels = Object.freeze({ cert: 'tls.certFile', key: 'tls.keyFile' });

/** Reads both files and checks they form a pair. @throws ConfigInvalidError naming the label and file. */
export function readTlsFiles(files: MockTlsFiles, labels: TlsLabels = TLS_OPTION_LABELS): MockTlsPem {
  const cert = readPem(files.certFile, labels.cert, /-----BEGIN CERTIFICATE-----/, 'no PEM certificate in it');
  const key = readPem(files.keyFile, labels.key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'no PEM private key in it');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigInvalidError(
      `${labels.cert} '${files.certFile}' and ${labels.key} '${files.keyFile}' cannot serve TLS: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { cert, key };
}

/** The both-or-neither rule of a cert/key pair of options. @throws ConfigInvalidError */
export function tlsPairOf(
  certFile: string | undefined,
  keyFile: string | undefined,
  labels: TlsLabels,
): MockTlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    const [given, missing] = certFile === undefined ? [labels.key, labels.cert] : [labels.cert, labels.key];
    throw new ConfigInvalidError(`${given} needs ${missing} too: give both to serve HTTPS, or neither`);
  }
  return { certFile, keyFile };
}

function readPem(file: string, label: string, marker: RegExp, missing: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new ConfigInvalidError(`${label} '${file}': cannot read: ${(error as Error).message}`, { cause: error });
  }
  if (!marker.test(pem.toString('latin1'))) throw new ConfigInvalidError(`${label} '${file}': ${missing}`);
  return pem;
}
