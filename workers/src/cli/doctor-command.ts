import { parseArgs } from 'node:util';
import { loadServiceEndpoints } from '../config/env';
import { runDoctor, type DoctorReport } from '../doctor/checks';
import type { CliCommand } from './command';

/** `fraudstream doctor`: Node, tfjs, the active TF backend, and Kafka/Redis reachability. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check Node, the native TensorFlow backend, Kafka and Redis (--json for machines)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        'timeout-ms': { type: 'string', default: '3000' },
      },
      strict: true,
    });
    const report = await runDoctor(loadServiceEndpoints(process.env), Number(values['timeout-ms']));
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    return report.ok ? 0 : 1;
  },
};

function printReport(r: DoctorReport): void {
  const mark = (ok: boolean): string => (ok ? 'ok  ' : 'FAIL');
  console.log(`node        ${r.node}`);
  console.log(`tfjs-node   ${r.tfjs.version ?? 'not loaded'}`);
  console.log(`[${mark(r.tfjs.ok)}] tf backend   ${r.tfjs.backend ?? '-'}: ${r.tfjs.detail}`);
  console.log(`[${mark(r.kafka.ok)}] kafka        ${r.kafka.brokers.join(',')}: ${r.kafka.detail}`);
  console.log(`[${mark(r.redis.ok)}] redis        ${r.redis.url}: ${r.redis.detail}`);
  console.log(r.ok ? 'all checks passed' : 'some checks failed');
}
