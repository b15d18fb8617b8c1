/**
 * Serves the demo dashboard: `GET /` the page, `GET /dashboard.js` the client and the
 * dashboard code as one browser bundle.
 *
 * The bundle is made once, at the first request, with esbuild (a development dependency: a
 * checkout, `npm run` or `tsx` has it) and kept in memory, so the dashboard always shows the
 * client as it is in the source tree, with nothing generated to commit. A prebuilt
 * `dashboard.bundle.js` next to this module is served instead when it exists: `npm run build`
 * writes one into dist/ with {@link buildDashboard}, for an installed package without esbuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestUrl } from '../../shared/request-url.js';
import { DASHBOARD_HTML } from './page.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PREBUILT = path.join(HERE, 'dashboard.bundle.js');

let bundle: Promise<string> | undefined;

/**
 * Bundles src/client/dashboard/app.ts (or its compiled .js) for browsers with esbuild:
 * ESM, minified, no Node module reachable. Writes it to `outfile` when given. It never reads
 * the prebuilt `dashboard.bundle.js` (the handler serves that one without calling it).
 * @returns the bundle's code (a promise); it rejects with an Error when neither app.ts nor
 *   app.js is next to this module, when esbuild cannot be imported (not installed), when
 *   esbuild fails, or when `outfile` cannot be written
 */
export async function buildDashboard(outfile?: string): Promise<string> {
  const entry = [path.join(HERE, 'app.ts'), path.join(HERE, 'app.js')].find((file) => existsSync(file));
  if (!entry) throw new Error('dashboard: app.ts / app.js not found next to handler');
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, legalComments: 'none', logLevel: 'silent' });
  const code = result.outputFiles[0]!.text;
  if (outfile) (await import('node:fs')).writeFileSync(outfile, code);
  return code;
}

function script(): Promise<string> {
  bundle ??= existsSync(PREBUILT) ? Promise.resolve(readFileSync(PREBUILT, 'utf8')) : buildDashboard();
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/**
 * A request handler for the server's `handleHttp` hook.
 * @returns a function answering `GET /`, `/index.html` and `/dashboard.js` (true), and leaving
 *   every other request alone (false)
 */
export function dashboardHandler(): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = requestUrl(req.url)?.pathname;
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (pathname === '/' || pathname === '/index.html') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'unsafe-inline'" });
      res.end(req.method === 'HEAD' ? undefined : DASHBOARD_HTML);
      return true;
    }
    if (pathname === '/dashboard.js') {
      script().then(
        (code) => res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : code),
        (error: Error) => res.writeHead(500, { ...headers, 'content-type': 'text/plain' }).end(`dashboard bundle failed: ${error.message}\n`),
      );
      return true;
    }
    return false;
  };
}
