// npm run sign-callback: the signed headers and the curl line an operator runs, for each kind of callback.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkSignature } from '../../api/signatures.js';

const SECRET = 'a-bank-secret-of-the-test-run';
const run = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/sign-callback.ts', ...args], {
    env: { ...process.env, NODE_ENV: 'development', BANK_CALLBACK_SECRET: SECRET, POS_CALLBACK_SECRET: 'a-pos-secret-of-the-test-run', PORT: '45999', HOST: '127.0.0.1' },
    encoding: 'utf8',
  });

describe('npm run sign-callback', () => {
  it("signs the bank's refund confirmation with the bank's secret and sends it to /callbacks/bank/refunds", () => {
    const body = JSON.stringify({ refundId: 'refund-BNI-1', reference: 'RF1234567890', confirmedAt: '2026-11-28T10:00:00+07:00' });
    const out = run('refund', body);
    const header = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(out)?.[1];
    expect(checkSignature(SECRET, { timestamp: header('x-timestamp'), signature: header('x-signature') }, body, 300)).toMatchObject({ ok: true });
    expect(out.trim().split('\n').at(-1)).toMatch(/^curl -s 'http:\/\/127\.0\.0\.1:45999\/callbacks\/bank\/refunds' /);
  });
});
