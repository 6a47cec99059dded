import { loadServiceEndpoints } from '../config/env';
import { runDoctor, type DoctorReport } from '../doctor/checks';
import {
  commandHelp,
  flag,
  int,
  readFlags,
  switchFlag,
  type CliCommand,
} from '@fraudstream/settings';

/** The flags of `fraudstream doctor`, declared once: parsing and `--help` come from here. */
export const DOCTOR_FLAGS = {
  json: switchFlag('json', 'print the report as JSON'),
  timeoutMs: flag('timeout-ms', int({ min: 1 }), 3000, 'how long each check may take, in ms'),
};

/** `fraudstream doctor`: Node, tfjs, the active TF backend, and Kafka/Redis reachability. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check Node, the native TensorFlow backend, Kafka and Redis (--json for machines)',
  async run(argv) {
    const { values, help } = readFlags(DOCTOR_FLAGS, argv);
    if (help) {
      console.log(
        commandHelp(
          'fraudstream doctor [options]',
          'Checks Node, tfjs and its backend, that the Kafka client library (FS_KAFKA_CLIENT) loads, and that Kafka and Redis (FS_KAFKA_BROKERS, FS_REDIS_URL) answer.',
          DOCTOR_FLAGS,
        ),
      );
      return 0;
    }
    const report = await runDoctor(loadServiceEndpoints(process.env), values.timeoutMs);
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
  console.log(
    `[${mark(r.kafkaClient.ok)}] kafka client ${r.kafkaClient.name} (FS_KAFKA_CLIENT): ${r.kafkaClient.detail}`,
  );
  console.log(`[${mark(r.redis.ok)}] redis        ${r.redis.url}: ${r.redis.detail}`);
  console.log(r.ok ? 'all checks passed' : 'some checks failed');
}
