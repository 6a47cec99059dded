import { ConfigError } from '../errors';
import {
  DEFAULT_TELEMETRY_OPTIONS,
  resolveTelemetryOptions,
  TELEMETRY_ENV,
  telemetryOptionsFromEnv,
} from './config';

describe('telemetryOptionsFromEnv', () => {
  it('reads every variable', () => {
    const o = telemetryOptionsFromEnv({
      FS_SERVICE_NAME: 'fraudstream-loadgen',
      FS_SERVICE_VERSION: '1.2.3',
      FS_SERVICE_INSTANCE_ID: 'pod-7',
      FS_TRACING_ENABLED: 'off',
      FS_TRACE_SAMPLE_RATIO: '0.25',
      FS_OTLP_ENDPOINT: 'https://collector:4318/',
      FS_OTLP_TIMEOUT_MS: '2500',
      FS_METRICS_OTLP_ENABLED: 'TRUE',
      FS_METRICS_EXPORT_INTERVAL_MS: '5000',
      FS_TRACE_REDIS_COMMANDS: '1',
      FS_TRACE_REDIS_ARGS: 'yes',
    });
    expect(o).toEqual({
      serviceName: 'fraudstream-loadgen',
      serviceVersion: '1.2.3',
      serviceInstanceId: 'pod-7',
      tracingEnabled: false,
      traceSampleRatio: 0.25,
      otlpEndpoint: 'https://collector:4318',
      otlpTimeoutMs: 2500,
      metricsOtlpEnabled: true,
      metricsExportIntervalMs: 5000,
      traceRedisCommands: true,
      traceRedisArgs: true,
    });
  });

  it('lets the environment win over program defaults, and program defaults over ours', () => {
    const programDefaults = { serviceName: 'fraudstream-loadgen', traceSampleRatio: 1 };
    expect(resolveTelemetryOptions(telemetryOptionsFromEnv({}, programDefaults))).toMatchObject({
      serviceName: 'fraudstream-loadgen',
      traceSampleRatio: 1,
      otlpEndpoint: DEFAULT_TELEMETRY_OPTIONS.otlpEndpoint,
    });
    expect(telemetryOptionsFromEnv({ FS_SERVICE_NAME: 'x' }, programDefaults).serviceName).toBe(
      'x',
    );
  });

  it.each<[string, string]>([
    ['FS_TRACE_SAMPLE_RATIO', '1.5'],
    ['FS_TRACE_SAMPLE_RATIO', '-0.1'],
    ['FS_TRACE_SAMPLE_RATIO', 'half'],
    ['FS_TRACING_ENABLED', 'maybe'],
    ['FS_METRICS_OTLP_ENABLED', '2'],
    ['FS_OTLP_ENDPOINT', 'collector:4318'],
    ['FS_OTLP_ENDPOINT', 'grpc://collector:4317'],
    ['FS_OTLP_TIMEOUT_MS', '0'],
    ['FS_METRICS_EXPORT_INTERVAL_MS', '1.5'],
    ['FS_TRACE_REDIS_COMMANDS', 'sometimes'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    let error: unknown;
    try {
      telemetryOptionsFromEnv({ [name]: value });
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(name);
    expect((error as ConfigError).message).toContain(name);
  });

  it('treats an empty variable as unset, like every FS_* setting', () => {
    expect(telemetryOptionsFromEnv({ FS_TRACE_SAMPLE_RATIO: '', FS_SERVICE_NAME: '  ' })).toEqual(
      {},
    );
  });

  it('names a variable for every option', () => {
    expect(Object.keys(TELEMETRY_ENV).sort()).toEqual(
      Object.keys(DEFAULT_TELEMETRY_OPTIONS).sort(),
    );
  });
});

describe('resolveTelemetryOptions', () => {
  it('applies the defaults', () => {
    expect(resolveTelemetryOptions({})).toEqual(DEFAULT_TELEMETRY_OPTIONS);
    expect(DEFAULT_TELEMETRY_OPTIONS.traceSampleRatio).toBe(0.01);
    expect(DEFAULT_TELEMETRY_OPTIONS.otlpEndpoint).toBe('http://127.0.0.1:14318');
  });

  it.each<[string, object]>([
    ['FS_TRACE_SAMPLE_RATIO', { traceSampleRatio: 2 }],
    ['FS_TRACE_SAMPLE_RATIO', { traceSampleRatio: Number.NaN }],
    ['FS_OTLP_ENDPOINT', { otlpEndpoint: 'nope' }],
    ['FS_OTLP_TIMEOUT_MS', { otlpTimeoutMs: -1 }],
    ['FS_METRICS_EXPORT_INTERVAL_MS', { metricsExportIntervalMs: 0.5 }],
    ['FS_SERVICE_NAME', { serviceName: '' }],
  ])('rejects a bad value given in code, naming its variable %s', (setting, options) => {
    expect(() => resolveTelemetryOptions(options)).toThrow(
      expect.objectContaining({ setting }) as Error,
    );
  });
});
