import { execFile } from 'node:child_process';

/**
 * Runs a Node script in a child process (a measurement that needs a heap of its own), its stderr
 * forwarded line by line to `log`; resolves when it exits with 0.
 */
export async function runNodeChild(
  name: string,
  args: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  const child = execFile(process.execPath, [...args], { maxBuffer: 16 * 1024 * 1024 });
  child.stderr?.on('data', (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => log(line)),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} process exited with ${code}`)),
    );
  });
}
