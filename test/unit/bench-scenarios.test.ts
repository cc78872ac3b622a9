// The bench scenarios' pure helpers (bench/scenarios/measures.ts, applicants.ts): no servers.
import { describe, expect, it } from 'vitest';
import { nikMismatches } from '../../api/nik.js';
import { benchNik } from '../../bench/scenarios/applicants.js';
import { findProcesses, lastLogLine, mapLimit, parseCpuTimes, parseProcStatus, percentile, promValue } from '../../bench/scenarios/measures.js';

describe('percentile', () => {
  it('takes the nearest rank, whatever the order of the values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('readings from /proc', () => {
  it('reads VmRSS and RssAnon of a status file in MB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmRSS:\t  204800 kB\nRssAnon:\t  153600 kB\nRssFile:\t   51200 kB\n';
    expect(parseProcStatus(status)).toEqual({ rssMb: 200, rssAnonMb: 150 });
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow(/VmRSS/);
  });

  it('counts idle and iowait as not busy in /proc/stat', () => {
    const stat = 'cpu  100 5 50 800 40 0 5 0 0 0\ncpu0 50 2 25 400 20 0 3 0 0 0\nintr 1\n';
    expect(parseCpuTimes(stat)).toEqual({ busy: 160, total: 1000 });
  });

  it('finds this very process by an argument of its command line and a variable of its environment', () => {
    const argument = process.argv[1]!;
    // The environment a process started with: this one's own variables as they were at its start.
    const variable = `PATH=${process.env.PATH}`;
    expect(findProcesses(argument, variable)).toContain(process.pid);
    expect(findProcesses(argument, 'NO_SUCH_VARIABLE=1')).not.toContain(process.pid);
  });
});

describe('Prometheus text', () => {
  const text = [
    '# HELP temporal_sticky_cache_size Current number of cached workflows',
    '# TYPE temporal_sticky_cache_size gauge',
    'temporal_sticky_cache_size{namespace="default",service_name="temporal-core-sdk"} 42',
    'temporal_worker_task_slots_available{worker_type="ActivityWorker",task_queue="q"} 98',
    'temporal_worker_task_slots_available{worker_type="WorkflowWorker",task_queue="q"} 40',
    'temporal_sticky_cache_size_total 7',
  ].join('\n');

  it('sums the samples of a metric, narrowed by labels', () => {
    expect(promValue(text, 'temporal_sticky_cache_size')).toBe(42);
    expect(promValue(text, 'temporal_worker_task_slots_available')).toBe(138);
    expect(promValue(text, 'temporal_worker_task_slots_available', { worker_type: 'WorkflowWorker' })).toBe(40);
    expect(promValue(text, 'temporal_worker_task_slots_available', { worker_type: 'Nexus' })).toBeUndefined();
    expect(promValue(text, 'no_such_metric')).toBeUndefined();
  });
});

describe('the worker log', () => {
  it("finds the last line with the message, skipping lines that are not JSON or only mention it", () => {
    const log = [
      '{"level":30,"msg":"worker polling","metrics":"off"}',
      'Error: something worker polling',
      '{"level":30,"msg":"worker polling","metrics":"http://127.0.0.1:9464/metrics"}',
      '{"level":30,"msg":"not the worker polling line"}',
    ].join('\n');
    expect(lastLogLine(log, 'worker polling')).toMatchObject({ metrics: 'http://127.0.0.1:9464/metrics' });
    expect(lastLogLine(log, 'worker stopped')).toBeUndefined();
  });
});

describe('mapLimit', () => {
  it('runs at most `limit` at once and keeps the order of the results', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimit([30, 10, 20, 5, 15], 2, async (ms, i) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });
});

describe('bench applicants', () => {
  it('each gets a NIK of their own that the API accepts for a woman born 12 May 1990', () => {
    const niks = [0, 1, 9998, 9999, 123_456, 9999 * 99 * 5].map((n) => benchNik(n));
    expect(new Set(niks).size).toBe(niks.length);
    for (const nik of niks) {
      expect(nik).toMatch(/^\d{16}$/);
      expect(nikMismatches(nik, '1990-05-12', 'F')).toEqual([]);
    }
  });
});
