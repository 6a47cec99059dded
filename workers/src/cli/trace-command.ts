import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { parseHttpUrl } from '../telemetry/config';
import { DEFAULT_JAEGER_URL, findTransactionTraces } from '../telemetry/jaeger-query';
import { formatTraceBreakdown } from '../telemetry/trace-breakdown';
import type { CliCommand } from './command';

const USAGE =
  'usage: fraudstream trace <transaction-id> [--jaeger-url URL] [--service NAME] [--lookback-hours N] [--json]';

/**
 * `fraudstream trace <transaction-id>`: finds the transaction's trace in Jaeger by its
 * `fraudstream.transaction_id` tag and prints where each millisecond went, stage by stage.
 * Exit 0 when found, 1 when not found or Jaeger cannot be asked (the message says which), 2 on
 * bad usage.
 */
export const traceCommand: CliCommand = {
  name: 'trace',
  summary: "print one transaction's trace from Jaeger, stage by stage (--json for machines)",
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'jaeger-url': { type: 'string' },
        service: { type: 'string' },
        'lookback-hours': { type: 'string', default: '48' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [transactionId, ...extra] = positionals;
    if (transactionId === undefined || transactionId.trim() === '' || extra.length > 0) {
      throw new UsageError(`expected exactly one transaction id\n${USAGE}`);
    }
    const lookbackHours = Number(values['lookback-hours']);
    if (!Number.isFinite(lookbackHours) || lookbackHours <= 0) {
      throw new UsageError(
        `--lookback-hours: expected a positive number, got ${values['lookback-hours']}`,
      );
    }
    const jaegerUrl =
      values['jaeger-url'] !== undefined
        ? parseHttpUrl('--jaeger-url', values['jaeger-url'])
        : parseHttpUrl('FS_JAEGER_URL', process.env.FS_JAEGER_URL ?? DEFAULT_JAEGER_URL);
    // Lookup failures (FS_TRACE_NOT_FOUND, FS_TRACE_QUERY) propagate to main, which prints the
    // code and message and exits 1.
    const traces = await findTransactionTraces(transactionId, {
      jaegerUrl,
      service: values.service,
      lookbackMs: lookbackHours * 3600 * 1000,
    });
    if (values.json) {
      console.log(JSON.stringify(traces, null, 2));
      return 0;
    }
    traces.forEach((view, i) => {
      if (i > 0) console.log('');
      console.log(formatTraceBreakdown(view, transactionId));
    });
    if (traces.length > 1) {
      console.log(
        `\n${traces.length} traces carry this transaction id (a re-sent record?); newest first.`,
      );
    }
    return 0;
  },
};
