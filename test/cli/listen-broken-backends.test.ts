/**
 * `listen` pointed at backends that break the contract in ways it let pass or misnamed (tBQ):
 * each is said as the contract break it is.
 */
import { afterEach, expect, it } from 'vitest';
import { runListen, stopWsServers, wsServer } from '../support/listen.js';

afterEach(stopWsServers);

const connection = JSON.stringify({ type: 'connection', data: { status: 'connected', mode: 'ws' }, ts: '2026-01-14T16:30:00.000Z' });

/** A valid `system_health` whose open map has `keys` keys: a frame listen takes a while (seconds at 1,500,000) to check. */
function largeFrame(keys: number): string {
  const parts = ['{"type":"system_health","data":{"status":"healthy","uptime":1,"cpu_percent":1,"memory_percent":1,"disk_percent":1,"database":"connected","redis":"connected","last_trade":null,"error_rate":0,"exchange_connections":{'];
  for (let i = 0; i < keys; i++) parts.push(`${i ? ',' : ''}"x${i.toString(36)}":"ok"`);
  parts.push('}},"ts":"2026-01-14T16:30:00.000Z"}');
  return parts.join('');
}

type Report = { close: { code: number } | null; frames: number; invalid: number; violations: { index: number | null; keyword: string; message: string }[] };

// tBQ F10: what came while listen checked a large frame, past --duration, was read after the run's
// end and dropped: a close with 4000, or an invalid frame, that came inside the run passed (exit 0).
it('a close that comes while listen checks a large frame past --duration is judged: exit 1', async () => {
  const big = largeFrame(1_500_000);
  const url = await wsServer((ws) => {
    ws.send(connection);
    // Sent once the large frame is on its way: it comes while listen checks that frame.
    ws.send(big, () => setTimeout(() => ws.close(4000, 'bad'), 100));
  });
  const { status, stdout, stderr } = await runListen([url, '--duration', '500ms', '--no-ping', '--format', 'json'], {}, 60_000);
  const report = JSON.parse(stdout) as Report;
  expect(report.frames, stderr).toBe(2);
  expect(report.close?.code).toBe(4000);
  expect(report.violations).toContainEqual(expect.objectContaining({ keyword: 'close', message: expect.stringMatching(/^the server closed the connection with 4000 "bad" before the run ended/) }));
  expect(status).toBe(1);
});

it('an invalid frame that comes while listen checks a large frame past --duration is judged: exit 1', async () => {
  const big = largeFrame(1_500_000);
  const url = await wsServer((ws) => {
    ws.send(connection);
    ws.send(big, () => setTimeout(() => ws.send(JSON.stringify({ type: 'trades', data: { side: 'BUY' } })), 100));
  });
  const { status, stdout, stderr } = await runListen([url, '--duration', '500ms', '--no-ping', '--format', 'json'], {}, 60_000);
  const report = JSON.parse(stdout) as Report;
  expect(report.frames, stderr).toBe(3);
  expect(report.invalid).toBe(1);
  expect(report.violations).toContainEqual(expect.objectContaining({ index: 2 }));
  expect(status).toBe(1);
});
