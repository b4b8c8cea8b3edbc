import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { runNodeChild } from './child-process';
import { inTemporaryDir } from './vector-file';

// Both sides for real: the child is this module transpiled, answering through answerParent.
async function withChild(work: (script: string) => Promise<void>): Promise<void> {
  await inTemporaryDir('child-spec', async (dir) => {
    const source = readFileSync(join(__dirname, 'child-process.ts'), 'utf8');
    const options = { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 };
    writeFileSync(
      join(dir, 'child-process.js'),
      transpileModule(source, { compilerOptions: options }).outputText,
    );
    const child = `require('./child-process.js').answerParent(async (request) => {
      process.stderr.write('one\\n\\ntwo\\n');
      if (request.fail) throw new Error('no luck');
      return { doubled: request.n * 2, execArgv: process.execArgv };
    });`;
    writeFileSync(join(dir, 'child.js'), child);
    await work(join(dir, 'child.js'));
  });
}

describe('runNodeChild', () => {
  it('answers a request with the child’s result, its stderr line by line', async () => {
    await withChild(async (script) => {
      const lines: string[] = [];
      const reply = await runNodeChild<{ doubled: number; execArgv: string[] }>('spec', script, {
        request: { n: 21 },
        execArgv: ['--expose-gc'],
        log: (line) => lines.push(line),
      });
      expect(reply).toEqual({ doubled: 42, execArgv: ['--expose-gc'] });
      expect(lines.filter((l) => l === 'one' || l === 'two')).toEqual(['one', 'two']);
    });
  });

  it('rejects with the child’s error', async () => {
    await withChild(async (script) => {
      await expect(
        runNodeChild('spec child', script, { request: { fail: true }, log: () => undefined }),
      ).rejects.toThrow('spec child failed: Error: no luck');
    });
  });

  it('rejects when the child exits without answering', async () => {
    await inTemporaryDir('child-spec', async (dir) => {
      writeFileSync(join(dir, 'silent.js'), 'process.exitCode = 3;');
      await expect(
        runNodeChild('silent', join(dir, 'silent.js'), { log: () => undefined }),
      ).rejects.toThrow('silent exited with 3');
    });
  });
});
