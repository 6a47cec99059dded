import { TRACE_SETTINGS } from '../telemetry/config';
import { DEFAULT_JAEGER_URL, findTransactionTraces } from '../telemetry/jaeger-query';
import { formatTraceBreakdown } from '../telemetry/trace-breakdown';
import {
  commandHelp,
  flag,
  num,
  optionalFlag,
  readFlags,
  readSettings,
  switchFlag,
  text,
  url,
  UsageError,
  type CliCommand,
} from '@fraudstream/settings';

const USAGE = 'fraudstream trace <transaction-id> [options]';

/** The flags of `fraudstream trace`, declared once: parsing and `--help` come from here. */
export const TRACE_FLAGS = {
  jaegerUrl: optionalFlag(
    'jaeger-url',
    url(['http', 'https']),
    `Jaeger's query API (default FS_JAEGER_URL, else ${DEFAULT_JAEGER_URL})`,
  ),
  service: optionalFlag('service', text(/\S/, 'a service name'), 'look in this service only'),
  lookbackHours: flag('lookback-hours', num({ above: 0 }), 48, 'how far back to search, in hours'),
  json: switchFlag('json', 'print the traces as JSON'),
};
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
    const { values, positionals, help } = readFlags(TRACE_FLAGS, argv, { positionals: 1 });
    if (help) {
      console.log(
        commandHelp(
          USAGE,
          "Finds the transaction's trace in Jaeger and prints where each millisecond went.",
          TRACE_FLAGS,
        ),
      );
      return 0;
    }
    const [transactionId] = positionals;
    if (transactionId === undefined || transactionId.trim() === '') {
      throw new UsageError(`expected exactly one transaction id\nusage: ${USAGE}`);
    }
    // The flag wins over FS_JAEGER_URL, which is read (and checked) only when the flag is absent.
    const jaegerUrl = values.jaegerUrl ?? readSettings(TRACE_SETTINGS, process.env).jaegerUrl;
    // Lookup failures (FS_TRACE_NOT_FOUND, FS_TRACE_QUERY) propagate to main, which prints the
    // code and message and exits 1.
    const traces = await findTransactionTraces(transactionId, {
      jaegerUrl,
      service: values.service,
      lookbackMs: values.lookbackHours * 3600 * 1000,
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
