import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Kafka, logLevel } from 'kafkajs';
import type { ISocketFactory, KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import { registerCompressionCodecs } from './codecs/register-compression-codecs';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  /** Receives kafkajs's own log lines (warn and above). */
  log?: (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>) => void;
}

/**
 * The only place a kafkajs client is constructed, so that the client library stays replaceable
 * (kafkajs is no longer maintained) and security settings and compression codecs are applied
 * everywhere alike.
 */
export function createKafkaClient(options: KafkaConnectionOptions): Kafka {
  registerCompressionCodecs();
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl ?? false,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    socketFactory: lowLatencySocketFactory,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
        if (options.log) options.log(name, String(message), extra);
      },
  };
  if (options.sasl) {
    config.sasl = {
      mechanism: options.sasl.mechanism,
      username: options.sasl.username,
      password: options.sasl.password,
    } as SASLOptions;
  }
  return new Kafka(config);
}

/**
 * kafkajs's own socket factory, plus TCP_NODELAY. kafkajs leaves Nagle's algorithm on, so a small
 * request written while an earlier one is unacknowledged waits for the peer's delayed ACK: tens of
 * milliseconds per hop on an idle pipeline. The broker sets TCP_NODELAY on its side already.
 */
const lowLatencySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? connectTls({ host, port, servername: isIP(host) ? undefined : host, ...ssl }, onConnect)
    : connectTcp({ host, port, noDelay: true }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60000);
  return socket;
};
