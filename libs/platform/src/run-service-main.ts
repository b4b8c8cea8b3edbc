import { ConfigError } from '@matchstream/config';

/**
 * The entry point of a service process: configuration errors print the message naming every bad
 * variable; start-up failures print one structured line; both exit non-zero.
 */
export function runServiceMain<C>(
  serviceName: string,
  loadConfig: () => C,
  start: (config: C) => Promise<unknown>,
): void {
  let config: C;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  start(config).catch((error: unknown) => {
    console.error(
      JSON.stringify({
        level: 'fatal',
        message: `${serviceName} failed to start`,
        error: String(error),
      }),
    );
    process.exit(1);
  });
}
