// Connections to Temporal from the config: plain for the dev server, TLS (mTLS and/or API key) for a cluster.
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config';

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
  | 'TEMPORAL_TLS_CA_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

type TlsOptions = NonNullable<Exclude<ConnectionOptions['tls'], boolean | null>>;

/** TLS is on when asked for, when a client certificate is given, or with an API key (cloud endpoints need it). */
export function tlsOptions(config: TemporalConnectionConfig): TlsOptions | false {
  const wanted =
    config.TEMPORAL_TLS === 'true' ||
    config.TEMPORAL_TLS_CERT_PATH !== undefined ||
    config.TEMPORAL_API_KEY !== undefined;
  if (!wanted) return false;
  const { TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: keyPath } = config;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  const tls: TlsOptions = {};
  if (config.TEMPORAL_TLS_SERVER_NAME !== undefined) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  if (config.TEMPORAL_TLS_CA_PATH !== undefined)
    tls.serverRootCACertificate = readFileSync(config.TEMPORAL_TLS_CA_PATH);
  if (certPath !== undefined && keyPath !== undefined) {
    tls.clientCertPair = { crt: readFileSync(certPath), key: readFileSync(keyPath) };
  }
  return tls;
}

function commonOptions(config: TemporalConnectionConfig, address: string) {
  const apiKey = config.TEMPORAL_API_KEY;
  return { address, tls: tlsOptions(config), ...(apiKey !== undefined ? { apiKey } : {}) };
}

/** address overrides TEMPORAL_ADDRESS (the embedded dev server's address is only known once it runs). */
export async function connectClient(config: TemporalConnectionConfig, address?: string): Promise<Connection> {
  const target = address ?? config.TEMPORAL_ADDRESS;
  if (target === undefined)
    throw new Error('no Temporal address: set TEMPORAL_ADDRESS or start the dev server');
  const options: ConnectionOptions = { ...commonOptions(config, target), connectTimeout: '10s' };
  return Connection.connect(options);
}

export async function connectWorker(
  config: TemporalConnectionConfig,
  address?: string,
): Promise<NativeConnection> {
  const target = address ?? config.TEMPORAL_ADDRESS;
  if (target === undefined)
    throw new Error('no Temporal address: set TEMPORAL_ADDRESS or start the dev server');
  const options: NativeConnectionOptions = commonOptions(config, target);
  return NativeConnection.connect(options);
}
