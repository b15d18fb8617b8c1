import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `serve --help` and README's usage line of `serve --demo` name the same options, all of them:
 * the usage line said only `[options]`, and README's had lost --redis and --secret.
 */

const CLI = path.resolve('src/cli/main.ts');

/** The long option names in `text` (`--port`, `--no-websocket`), in order. */
const longOptions = (text: string) => [...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]);

describe('serve: its options in the help and in README', () => {
  it('the usage line of `serve --help` lists every option of the Options list, and README quotes that line', { timeout: 60_000 }, () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    const usage = /^Usage: (realtime-contract serve .*)$/m.exec(help.stdout)?.[1];
    expect(usage).toBeDefined();
    // Each option's first line in the Options list: two spaces, then its flags.
    const listed = help.stdout
      .slice(help.stdout.indexOf('\nOptions:\n'))
      .split('\n')
      .filter((line) => /^ {2}-/.test(line))
      .map((line) => longOptions(line.trim().split(/\s{2,}/)[0]!)[0]!)
      .filter((name) => name !== '--help');
    expect(listed).toEqual(['--demo', '--port', '--host', '--redis', '--secret', '--allow-origin', '--no-websocket']);
    expect(longOptions(usage!)).toEqual(listed);
    // README: the line in a code block right under its heading.
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### `realtime-contract serve --demo`'));
    const quoted = /```\n(realtime-contract serve .*)\n```/.exec(section.slice(0, section.indexOf('\n- ')))?.[1];
    expect(quoted).toBe(usage);
  });

  it('listens on 127.0.0.1:8000 unless told otherwise, the port of the spec\'s websocat URL and README\'s (tCS F1: every test gives --port 0, so another default passed)', { timeout: 60_000 }, () => {
    // The defaults commander applies, as --help shows them (a demo is not started on port 8000 here: tests listen on port 0).
    const help = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status, help.stderr).toBe(0);
    const option = (name: string) => help.stdout.split('\n').find((line) => line.trimStart().startsWith(`${name} `))?.trim().replace(/\s+/g, ' ');
    expect(option('--port')).toBe('--port <port> port to listen on (default: "8000")');
    expect(option('--host')).toBe('--host <host> address to listen on (default: "127.0.0.1")');
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('(port 8000 and host 127.0.0.1 by default;');
    expect(readme).toContain('`websocat "ws://localhost:8000/api/ws?token=…"`');
  });
});
