// The composition root of `fraudstream worker`: builds every component from the compiled
// configuration and the injected dependencies, starts them in order, and stops them in reverse.
// Nothing here branches on the environment; tests inject stage wrappers, clocks and backends.
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { SchemasCodec } from './adapters/schemas-codec';
import type { WorkerConfig } from './config/worker-config';
import { atLeastOnceDelivery, exactlyOnceDelivery } from './consumer/delivery';
import { createBatchRunner } from './consumer/batch-runner';
import { checkTopics } from './consumer/topic-check';
import { RedisGate } from './consumer/redis-gate';
import { TransactionalProducers } from './consumer/transactional-producers';
import type { WorkerError } from './errors';
import { HealthServer, type ReadinessCheck } from './health/health-server';
import { createLabelBatchHandler } from './labels/label-consumer';
import { createKafkaClient } from './kafka/create-kafka-client';
import { checkKafkaSecurity, explainAuthFailure, loadKafkaSecurity } from './kafka/kafka-security';
import type { BatchHandler, GroupConsumer, GroupConsumerOptions } from './kafka/kafka-client';
import { createJsonLogger, type Logger } from './logging/logger';
import { ModelRegistry } from './model-registry/model-registry';
import { atLeastOnceSession } from './pipeline/commit';
import { createDecodeStage } from './pipeline/decode-stage';
import { createFeatureStage } from './pipeline/feature-stage';
import { NOOP_OBSERVER } from './pipeline/observer';
import { ScoringPipeline, wrapStages } from './pipeline/pipeline';
import { createPublishStage } from './pipeline/publish-stage';
import { createScoreStage } from './pipeline/score-stage';
import { telemetryObserver } from './observability/telemetry-observer';
import { tracedFeatures } from './observability/traced-features';
import {
  bullmqRedis,
  featureRedis,
  healthKey,
  probeWrite,
  queueRedis,
  quit,
  waitForRedis,
} from './redis/redis-clients';
import { RedisDeliveryLedger } from './redis/redis-delivery-ledger';
import type { WorkerDependencies } from './worker-dependencies';
import type { RetryJobData } from './retry/retry-job';
import { RetryProcessor } from './retry/retry-processor';
import { BullRetryQueue } from './retry/retry-queue';

/** A running scoring worker. */
export class ScoringWorker {
  private stopping: Promise<void> | undefined;
  private booting: Promise<void> | undefined;
  private started = false;
  private readonly startedAt = Date.now();
  private fatal: WorkerError | undefined;
  private readonly closers: { name: string; close: () => Promise<void> | void }[] = [];
  private consumers: GroupConsumer[] = [];
  private transactions: GroupConsumer | undefined;
  private redis: Redis | undefined;
  private gate: RedisGate | undefined;
  private port = 0;
  readonly logger: Logger;
  /** The model registry (tests call `checkNow()` to swap without waiting for the poll). */
  models: ModelRegistry | undefined;

  private constructor(
    readonly config: WorkerConfig,
    private readonly deps: WorkerDependencies,
  ) {
    this.logger =
      deps.logger ??
      createJsonLogger({
        level: config.logLevel,
        bindings: { service: 'fraudstream-worker', instance: config.instanceId },
      });
  }

  /** Builds and starts a worker; resolves once it consumes (check `ready` for readiness). */
  static async start(config: WorkerConfig, deps: WorkerDependencies): Promise<ScoringWorker> {
    const worker = ScoringWorker.create(config, deps);
    await worker.start();
    return worker;
  }

  /** Builds a worker without starting it (the CLI starts it while it listens for signals). */
  static create(config: WorkerConfig, deps: WorkerDependencies): ScoringWorker {
    return new ScoringWorker(config, deps);
  }

  /**
   * Connects everything and joins the consumer groups. A `stop()` during start cancels it (the
   * start rejects); a failed start releases what it had opened and rejects.
   */
  async start(): Promise<void> {
    this.booting ??= this.boot().catch(async (error: unknown) => {
      // A stop() that overtook the start is already waiting for it: do not wait for it back.
      if (this.stopping === undefined) await this.stop('start failed');
      throw error;
    });
    return this.booting;
  }

  /** The port the health server listens on. */
  get healthPort(): number {
    return this.port;
  }

  /** Named readiness checks: connected, assigned, model loaded, Redis taking writes. */
  readiness(): Record<string, ReadinessCheck> {
    const c = this.transactions;
    const parts = c?.partitions ?? [];
    const gate = this.gate?.state;
    return {
      started: {
        ok: this.started && this.stopping === undefined,
        detail: this.stopping ? 'stopping' : this.started ? 'running' : 'starting',
      },
      kafka: {
        ok: c?.isConnected ?? false,
        detail: c?.isConnected ? 'connected' : 'not connected',
      },
      assigned: {
        ok: parts.length > 0,
        detail: parts.length > 0 ? `partitions ${parts.join(',')}` : 'no partitions assigned',
      },
      model: { ok: this.models?.loaded ?? false, detail: this.models?.version ?? 'not loaded' },
      // A paused worker scores nothing: a balancer or a rollout must not count it as serving.
      redis: {
        ok: gate?.open ?? false,
        detail:
          gate === undefined
            ? 'not connected'
            : gate.open
              ? 'accepting writes'
              : `paused since ${new Date(gate.closedSince ?? 0).toISOString()}: ${gate.reason ?? 'unknown'}`,
      },
    };
  }

  /** True when every readiness check passes. */
  get ready(): boolean {
    return Object.values(this.readiness()).every((c) => c.ok);
  }

  /**
   * Stops fetching, finishes the batch in flight, commits, leaves the groups and releases every
   * resource, in reverse start order. Safe to call twice (the second call waits for the first).
   */
  stop(reason = 'stop requested'): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  /** The error that stopped the worker by itself, if any. */
  get fatalError(): WorkerError | undefined {
    return this.fatal;
  }

  private async boot(): Promise<void> {
    const { config, deps, logger } = this;
    const health = new HealthServer({
      host: config.healthHost,
      port: config.healthPort,
      metrics:
        deps.metrics ??
        (deps.telemetry ? (req, res) => deps.telemetry?.handleMetricsRequest(req, res) : undefined),
      logger,
      source: { readiness: () => this.readiness(), status: () => this.status() },
    });
    this.port = await health.start();
    this.closers.push({ name: 'health server', close: () => health.close() });
    this.checkpoint();

    // First, so that a broker without TLS, an untrusted certificate or wrong credentials stop the
    // worker in seconds, naming the setting, instead of after a model load and a wait for Redis.
    const kafkaSecurity = loadKafkaSecurity(config);
    await checkKafkaSecurity(config.kafkaBrokers, kafkaSecurity);

    const codec = await SchemasCodec.create({ registryUrl: config.schemaRegistryUrl });
    this.closers.push({ name: 'schema registry', close: () => codec.close() });

    const telemetry = deps.telemetry;
    const models = new ModelRegistry({
      modelDir: config.modelDir ?? deps.defaultModelDir,
      loader: deps.modelLoader,
      pollMs: config.modelPollMs,
      challenger: config.challengerModel,
      logger,
      onSwap: (_from, to) => telemetry?.metrics.setModelVersion(to, 'champion'),
      onLoadFailure: (error) => telemetry?.metrics.countError('model', error.code),
    });
    this.models = models;
    this.closers.push({ name: 'models', close: () => models.stop() });
    // Loaded and warmed before anything is consumed: readiness waits for it.
    await models.start();
    this.checkpoint();
    if (models.version) telemetry?.metrics.setModelVersion(models.version, 'champion');
    if (models.challengerVersion) {
      telemetry?.metrics.setModelVersion(models.challengerVersion, 'challenger');
    }

    const redis = featureRedis(config, logger);
    this.redis = redis;
    this.closers.push({ name: 'redis', close: () => quit(redis) });
    const probeKey = healthKey(config);
    await waitForRedis(redis, probeKey, logger, () => this.stopping !== undefined);
    this.checkpoint();

    const backend = await deps.features(redis, config, models.champion());
    this.closers.push({ name: 'feature store', close: () => backend.close() });
    const features = telemetry ? tracedFeatures(backend, telemetry) : backend;

    const kafka = await createKafkaClient(config.kafkaClient, {
      clientId: `${config.clientId}-${config.instanceId}`,
      brokers: config.kafkaBrokers,
      logger,
      logLevel: config.logLevel,
      security: kafkaSecurity,
    });
    logger.info('kafka client', { client: kafka.version, security: kafkaSecurity.protocol });
    // The first connection: a refused SASL login becomes an error naming the credential settings.
    const producer = await kafka.producer().catch((error: unknown) => {
      throw explainAuthFailure(error, kafkaSecurity);
    });
    this.closers.push({ name: 'producer', close: () => producer.disconnect() });
    await checkTopics(kafka, config);
    this.checkpoint();

    const queueConnection = await queueRedis(config, logger);
    const queue = new Queue<RetryJobData>(config.retryQueue, {
      connection: queueConnection,
      prefix: config.retryKeyPrefix,
    });
    queue.on('error', (error) => logger.debug('retry queue error', { component: 'retry', error }));
    this.closers.push({
      name: 'retry queue',
      close: async () => {
        await queue.close();
        await quit(queueConnection);
      },
    });
    const backoff = { baseDelayMs: config.retryBaseDelayMs, maxDelayMs: config.retryMaxDelayMs };
    const traced = telemetry
      ? telemetryObserver({
          telemetry,
          consumerGroup: config.consumerGroup,
          decisionsTopic: config.decisionsTopic,
          deadLetterTopic: config.deadLetterTopic,
          retryAttempts: config.retryAttempts,
        })
      : undefined;
    const retrySink = new BullRetryQueue(queue, {
      attempts: config.retryAttempts,
      ...backoff,
      traceContextOf: traced?.traceContextOf,
      replicas: {
        count: config.redisWaitReplicas,
        timeoutMs: config.redisWaitTimeoutMs,
        connection: queueConnection,
      },
    });

    const stages = wrapStages(
      {
        decode: createDecodeStage(codec, { maxRecordBytes: config.maxRecordBytes }),
        features: createFeatureStage({ features, degradedMode: config.degradedMode }),
        score: createScoreStage({
          onShadowError: (error, challenger) =>
            logger.warn('challenger failed to score; champion verdicts unaffected', {
              error,
              modelVersion: challenger.version,
            }),
        }),
        publish: createPublishStage({
          encoder: codec,
          topics: { decisions: config.decisionsTopic, deadLetters: config.deadLetterTopic },
          maxRecordBytes: config.maxRecordBytes,
        }),
      },
      deps.stageWrappers,
    );
    const observer = deps.observer ?? traced ?? NOOP_OBSERVER;
    const ledger =
      config.deliveryLedgerTtlMs > 0
        ? {
            ledger: new RedisDeliveryLedger(
              redis,
              config.featureKeyPrefix,
              config.deliveryLedgerTtlMs,
            ),
            onRecordFailure: (error: unknown, ids: number) => {
              telemetry?.metrics.countError('redis', 'FS_DELIVERY_LEDGER');
              logger.warn(
                'delivered ids not written to the ledger; a redelivery would answer them again',
                {
                  component: 'ledger',
                  ids,
                  error,
                },
              );
            },
          }
        : undefined;
    const pipeline = new ScoringPipeline(stages, observer, ledger);

    const gate = new RedisGate({
      probe: () => probeWrite(redis, probeKey),
      intervalMs: config.redisProbeIntervalMs,
      onClose: () => {
        telemetry?.metrics.countError('redis', 'FS_REDIS_UNAVAILABLE');
        this.consumers.forEach((c) => c.pause());
      },
      onOpen: () => this.consumers.forEach((c) => c.resume()),
      logger,
    });
    this.gate = gate;
    this.closers.push({ name: 'redis gate', close: () => gate.stop() });

    const consumerOptions = {
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      maxBatchSize: config.maxBatchSize,
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      fetchMaxWaitMs: config.fetchMaxWaitMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
      commitIntervalMs: config.commitIntervalMs,
      groupProtocol: config.groupProtocol,
      onCrash: (error: WorkerError) => {
        telemetry?.metrics.countError('kafka', error.code);
        this.die(error);
      },
    } satisfies Partial<GroupConsumerOptions>;
    const transactions = kafka.consumer({
      ...consumerOptions,
      groupId: config.consumerGroup,
      topic: config.transactionsTopic,
      commitOffsets: !config.exactlyOnce,
      groupInstanceId: config.groupInstanceId,
      onAssignment: (_now, revoked) =>
        revoked.forEach((p) => telemetry?.metrics.clearConsumerLag(config.transactionsTopic, p)),
    });
    this.transactions = transactions;
    this.consumers.push(transactions);

    let delivery = atLeastOnceDelivery(producer);
    if (config.exactlyOnce) {
      const producers = new TransactionalProducers(kafka, config.transactionalIdPrefix, logger);
      this.closers.push({ name: 'transactional producers', close: () => producers.close() });
      delivery = exactlyOnceDelivery(producers, transactions);
    }

    const retryRedis = bullmqRedis(config, logger);
    this.closers.push({ name: 'retry worker connection', close: () => quit(retryRedis) });
    const retry = new RetryProcessor({
      queueName: config.retryQueue,
      prefix: config.retryKeyPrefix,
      connection: retryRedis,
      concurrency: config.retryConcurrency,
      lockDurationMs: config.retryLockDurationMs,
      stalledIntervalMs: config.retryStalledIntervalMs,
      maxStalledCount: config.retryMaxStalledCount,
      failedJobs: {
        queue,
        claims: queueConnection,
        sweepIntervalMs: config.retrySweepIntervalMs,
      },
      pipeline,
      models,
      producer,
      logger,
      aroundDeadLetter: traced?.deadLetter,
      continueTrace: traced?.continueTrace,
      onDeadLetter: (reasonCode) =>
        telemetry?.metrics.countDeadLetter(reasonCode, 'retries_exhausted'),
      onStalled: () => telemetry?.metrics.countRetryJobStalled(),
      onFailed: (reasonCode) => telemetry?.metrics.countRetryJobFailed(reasonCode),
      ...backoff,
    });
    retry.start();
    this.closers.push({ name: 'retry processor', close: () => retry.close() });

    const handlers = new Map<GroupConsumer, BatchHandler>();
    handlers.set(
      transactions,
      createBatchRunner({
        onBatch: (topic, partition, lag) =>
          telemetry?.metrics.setConsumerLag(topic, partition, lag),
        pipeline,
        models,
        retry: retrySink,
        delivery,
        gate,
        maxBatchSize: config.maxBatchSize,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        redelivery: { attempts: config.retryAttempts, backoff },
        logger,
      }),
    );
    if (config.labelsEnabled) {
      const labels = kafka.consumer({
        ...consumerOptions,
        partitionsConsumedConcurrently: 1,
        groupId: config.labelsConsumerGroup,
        topic: config.labelsTopic,
        commitOffsets: true,
        // Static membership is for the scoring group, whose stalls cost latency; a label
        // consumer's id would collide with the scoring member's in the same process.
        groupInstanceId: undefined,
      });
      handlers.set(
        labels,
        createLabelBatchHandler({
          ports: {
            decodeLabels: (values) => codec.decodeLabels(values),
            applyLabels: (l) => features.applyLabels(l),
          },
          publish: stages.publish,
          session: (commitConsumer) => atLeastOnceSession(producer, commitConsumer),
          gate,
          maxBatchSize: config.maxBatchSize,
          backoff,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          logger,
          onRetry: (reason) => telemetry?.metrics.countLabelRetry(reason),
          onDeadLetter: (reason) => telemetry?.metrics.countDeadLetter(reason, 'bad_input'),
        }),
      );
      this.consumers.push(labels);
    }
    // Consumers stop first on shutdown: they finish their batch while everything else still runs.
    this.closers.push({
      name: 'consumers',
      close: async () => {
        await Promise.all(this.consumers.map((c) => c.stop()));
      },
    });
    for (const [consumer, handler] of handlers) {
      this.checkpoint();
      await consumer.start(handler);
    }
    this.checkpoint();
    this.started = true;
    logger.info('worker started', {
      consumerGroup: config.consumerGroup,
      topic: config.transactionsTopic,
      exactlyOnce: config.exactlyOnce,
      kafkaClient: kafka.version,
      modelVersion: models.version,
      challenger: models.challengerVersion,
      healthPort: this.port,
    });
  }

  private status(): Record<string, unknown> {
    return {
      instance: this.config.instanceId,
      uptimeMs: Date.now() - this.startedAt,
      modelVersion: this.models?.version ?? null,
      challengerVersion: this.models?.challengerVersion ?? null,
      exactlyOnce: this.config.exactlyOnce,
      redis: this.redis?.status ?? 'not connected',
      paused: this.consumers.some((c) => c.isPaused),
      redisGate: this.gate?.state ?? null,
    };
  }

  private die(error: WorkerError): void {
    this.fatal ??= error;
    this.logger.error('fatal error; stopping', { error });
    void this.stop('fatal error').finally(() => this.deps.onFatal?.(error));
  }

  /** Aborts a start that a stop() overtook. */
  private checkpoint(): void {
    if (this.stopping !== undefined) throw new Error('worker stopped while starting');
  }

  private async shutdown(reason: string): Promise<void> {
    const t0 = Date.now();
    this.logger.info('stopping', { reason });
    // A start in progress notices the stop at its next checkpoint; its closers are then complete.
    if (reason !== 'start failed') await this.booting?.catch(() => undefined);
    // Reverse start order; every step runs even when an earlier one fails.
    for (const { name, close } of [...this.closers].reverse()) {
      try {
        await close();
      } catch (error: unknown) {
        this.logger.warn('error while stopping', { component: name, error });
      }
    }
    this.closers.length = 0;
    this.logger.info('stopped', { reason, durationMs: Date.now() - t0 });
  }
}
