// Every name the deploy files share with the code agrees with the code: the consumer group,
// the topics (deploy/k8s/topics.yaml, the worker's FS_TOPIC_* defaults, deploy/local/topics.conf),
// the health port, the FS_* variables the manifests set (each a declared worker setting, no
// credential in a ConfigMap), the Secrets they read, and the command the image runs. The
// worker's settings come from their declarations, never from a copied list.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '@fraudstream/cli';
import { secretFileName, type Setting } from '@fraudstream/settings';
import { TELEMETRY_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import { parse } from 'yaml';
import {
  at,
  dockerfileInstructions,
  listAt,
  ofKind,
  readManifests,
  ROOT,
  theOne,
  topicsConf,
} from './deploy-files';

/** What `fraudstream worker` reads: its own settings and telemetry's. */
const DECLARED: readonly Setting<unknown>[] = [
  ...Object.values(WORKER_SETTINGS),
  ...Object.values(TELEMETRY_SETTINGS),
];
const byName = new Map(DECLARED.map((s) => [s.name, s]));
/** Every variable the worker reads: its settings, and `<NAME>_FILE` for each secret one. */
const readable = new Set([
  ...byName.keys(),
  ...DECLARED.filter((s) => s.secret === true).map((s) => secretFileName(s.name)),
]);

const manifests = readManifests();
const configMap = (theOne(manifests, 'ConfigMap', 'fraudstream-worker').data ?? {}) as Record<
  string,
  string
>;
const deployment = theOne(manifests, 'Deployment', 'fraudstream-worker');
const pod = at(deployment, 'spec.template.spec');
const container = listAt(pod, 'containers').find((c) => c.name === 'worker');
const scaledObject = theOne(manifests, 'ScaledObject', 'fraudstream-worker');
const trigger = listAt(scaledObject, 'spec.triggers')[0];
const policy = theOne(manifests, 'NetworkPolicy', 'fraudstream-worker');

/** The value the deployed worker runs with: the ConfigMap's, else the declared default. */
function deployed(setting: Setting<unknown>): string {
  return configMap[setting.name] ?? String(setting.default);
}

/** Port numbers of `host:port[,host:port]`, or of a URL (its scheme's when it has none). */
function ports(value: string): number[] {
  if (/^[a-z]+:\/\//.test(value)) {
    const url = new URL(value);
    return [
      Number(
        url.port || { http: 80, https: 443, redis: 6379, rediss: 6379 }[url.protocol.slice(0, -1)],
      ),
    ];
  }
  return value.split(',').map((hp) => Number(hp.split(':').pop()));
}

const hosts = (list: string): string[] => list.split(',').map((hp) => hp.split(':')[0] ?? '');

/** The variables the image's `ENV` lines set (`ENV A=1 B=2` form). */
function imageEnv(): Record<string, string> {
  const pairs = dockerfileInstructions()
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => i.args.split(/\s+/))
    .map((pair) => pair.split('=') as [string, string]);
  return Object.fromEntries(pairs);
}

const compose = parse(readFileSync(join(ROOT, 'deploy', 'compose.yaml'), 'utf8')) as unknown;
const composeEnv = (at(compose, 'services.worker.environment') ?? {}) as Record<string, string>;

describe('names shared by the deploy files and the code', () => {
  it('KEDA watches the consumer group and input topic the workers use', () => {
    expect(at(trigger, 'metadata.consumerGroup')).toBe(deployed(WORKER_SETTINGS.consumerGroup));
    expect(at(trigger, 'metadata.topic')).toBe(deployed(WORKER_SETTINGS.transactionsTopic));
    expect(hosts(String(at(trigger, 'metadata.bootstrapServers')))).toEqual(
      hosts(deployed(WORKER_SETTINGS.kafkaBrokers)),
    );
    expect(at(scaledObject, 'spec.scaleTargetRef.name')).toBe(deployment.metadata.name);
  });

  it('the topics of topics.yaml, topics.conf and the FS_TOPIC_* settings agree', () => {
    const topicSettings = DECLARED.filter((s) => s.name.startsWith('FS_TOPIC_'));
    const conf = topicsConf();
    expect(conf.map((t) => [t.variable, t.name]).sort()).toEqual(
      topicSettings.map((s) => [s.name, s.default]).sort(),
    );
    const k8sTopics = ofKind(manifests, 'KafkaTopic').map((t) => [
      // Strimzi names the topic after the resource unless spec.topicName says otherwise.
      typeof at(t, 'spec.topicName') === 'string'
        ? String(at(t, 'spec.topicName'))
        : t.metadata.name,
      at(t, 'spec.partitions'),
    ]);
    expect(k8sTopics.sort()).toEqual(
      topicSettings
        .map((s) => [deployed(s), conf.find((t) => t.variable === s.name)?.partitions])
        .sort(),
    );
    // More workers than partitions of the input topic would sit idle.
    const input = k8sTopics.find(([name]) => name === deployed(WORKER_SETTINGS.transactionsTopic));
    expect(at(scaledObject, 'spec.maxReplicaCount')).toBeLessThanOrEqual(Number(input?.[1]));
  });

  it('the health port is the same in the settings, the pod, its annotations, the policy and the image', () => {
    const port = Number(deployed(WORKER_SETTINGS.healthPort));
    expect(listAt(container, 'ports').find((p) => p.name === 'health')?.containerPort).toBe(port);
    expect(at(deployment, 'spec.template.metadata.annotations')).toMatchObject({
      'prometheus.io/port': String(port),
    });
    expect(
      listAt(policy, 'spec.ingress').flatMap((r) => listAt(r, 'ports').map((p) => p.port)),
    ).toEqual([port]);
    expect(dockerfileInstructions().filter((i) => i.keyword === 'EXPOSE')).toEqual([
      { keyword: 'EXPOSE', args: String(port) },
    ]);
  });

  it('the health server binds every interface in the image, compose and the pod, loopback elsewhere', () => {
    const name = WORKER_SETTINGS.healthHost.name;
    expect(WORKER_SETTINGS.healthHost.default).toBe('127.0.0.1');
    expect([imageEnv()[name], composeEnv[name], configMap[name]]).toEqual([
      '0.0.0.0',
      '0.0.0.0',
      '0.0.0.0',
    ]);
  });

  it('the network policy lets the workers reach Kafka, Redis, the collector and DNS', () => {
    const egress = listAt(policy, 'spec.egress').flatMap((r) =>
      listAt(r, 'ports').map((p) => p.port),
    );
    const redisUrl = at(theOne(manifests, 'Secret', 'fraudstream-redis'), 'stringData.url');
    expect(egress).toEqual(
      expect.arrayContaining([
        ...ports(deployed(WORKER_SETTINGS.kafkaBrokers)),
        ...ports(String(at(trigger, 'metadata.bootstrapServers'))),
        ...ports(String(redisUrl)),
        ...ports(deployed(TELEMETRY_SETTINGS.otlpEndpoint)),
        53,
      ]),
    );
  });

  it('every FS_* variable the manifests, compose and the image set is a declared worker setting, and no credential sits in a ConfigMap', () => {
    const set = [
      ...Object.keys(configMap),
      ...listAt(container, 'env').map((e) => String(e.name)),
      ...Object.keys(composeEnv),
      ...Object.keys(imageEnv()),
    ].filter((name) => name.startsWith('FS_'));
    expect(set.filter((name) => !readable.has(name))).toEqual([]);
    // A setting declared secret may sit in the ConfigMap only as a URL without credentials
    // (FS_OTLP_ENDPOINT is secret because a URL may carry them; the collector's does not).
    const credentials = Object.entries(configMap).filter(([name, value]) => {
      if (byName.get(name)?.secret !== true) return false;
      const url = URL.canParse(value) ? new URL(value) : undefined;
      return url === undefined || url.username !== '' || url.password !== '' || url.search !== '';
    });
    expect(credentials).toEqual([]);
  });

  it('the workers and KEDA reach Kafka the same way, with the Secret files the pod mounts', () => {
    const saslSecret = theOne(manifests, 'Secret', 'fraudstream-kafka-sasl');
    const keda = (key: string): string => String(at(saslSecret, `stringData.${key}`));
    const kedaProtocol = `${keda('mechanism') === 'plaintext' ? '' : 'sasl_'}${keda('tls') === 'enable' ? 'ssl' : 'plaintext'}`;
    expect(deployed(WORKER_SETTINGS.kafkaSecurityProtocol)).toBe(kedaProtocol);
    expect(deployed(WORKER_SETTINGS.kafkaSaslMechanism)).toBe(
      { scram_sha512: 'scram-sha-512', scram_sha256: 'scram-sha-256', plaintext: 'plain' }[
        keda('mechanism')
      ],
    );
    expect(deployed(WORKER_SETTINGS.kafkaBrokers)).toBe(
      String(at(trigger, 'metadata.bootstrapServers')),
    );
    // Each file setting points into the Secret's mount, at an item the volume projects.
    const volume = listAt(pod, 'volumes').find(
      (v) => at(v, 'secret.secretName') === 'fraudstream-kafka-sasl',
    );
    const mount = listAt(container, 'volumeMounts').find((m) => m.name === volume?.name);
    const mounted = listAt(volume, 'secret.items').map(
      (i) => `${String(mount?.mountPath)}/${String(i.path)}`,
    );
    const files = [
      configMap[WORKER_SETTINGS.kafkaSslCa.name],
      configMap[secretFileName(WORKER_SETTINGS.kafkaSaslPassword.name)],
    ];
    expect(files.filter((f) => f === undefined || !mounted.includes(f))).toEqual([]);
    const username = listAt(container, 'env').find(
      (e) => e.name === WORKER_SETTINGS.kafkaSaslUsername.name,
    );
    expect(at(username, 'valueFrom.secretKeyRef')).toEqual({
      name: 'fraudstream-kafka-sasl',
      key: 'username',
    });
  });

  it('every Secret and key the pods and KEDA read is one secrets.example.yaml declares', () => {
    const declared = new Set(
      ofKind(manifests, 'Secret').flatMap((s) =>
        Object.keys(s.stringData ?? s.data ?? {}).map((k) => `${s.metadata.name}/${k}`),
      ),
    );
    const read = [
      ...listAt(container, 'env')
        .map((e) => at(e, 'valueFrom.secretKeyRef'))
        .filter(Boolean),
      ...listAt(pod, 'volumes').flatMap((v) =>
        listAt(v, 'secret.items').map((i) => ({ name: at(v, 'secret.secretName'), key: i.key })),
      ),
      ...ofKind(manifests, 'TriggerAuthentication').flatMap((a) =>
        listAt(a, 'spec.secretTargetRef'),
      ),
    ].map((ref) => `${String(at(ref, 'name'))}/${String(at(ref, 'key'))}`);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((r) => !declared.has(r))).toEqual([]);
    const authNames = ofKind(manifests, 'TriggerAuthentication').map((a) => a.metadata.name);
    expect(authNames).toContain(at(trigger, 'authenticationRef.name'));
  });

  it('the image runs the `fraudstream` launcher, and the Deployment a command it has', () => {
    const doc = dockerfileInstructions();
    const json = (keyword: string): string[] =>
      JSON.parse(doc.find((i) => i.keyword === keyword)?.args ?? '[]') as string[];
    const [node, launcher] = json('ENTRYPOINT');
    const cli = JSON.parse(readFileSync(join(ROOT, 'cli', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(node).toBe('node');
    expect(launcher).toBe(`cli/${cli.bin.fraudstream ?? ''}`);
    expect(existsSync(join(ROOT, launcher ?? ''))).toBe(true);
    // The image's command and the Deployment's are the same `fraudstream` subcommand: worker.
    const command = json('CMD');
    expect(command).toEqual(['worker']);
    expect(COMMANDS.map((c) => c.name)).toContain(command[0]);
    expect(at(container, 'args')).toEqual(command);
  });
});

describe('hardening', () => {
  it('the image is a Node LTS pinned by tag and a required digest, run by a numeric non-root user', () => {
    const doc = dockerfileInstructions();
    expect(
      doc.filter((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE_DIGEST')),
    ).toEqual([{ keyword: 'ARG', args: 'NODE_IMAGE_DIGEST' }]);
    const froms = doc.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms)
      expect(from).toMatch(
        /^node:(2[4-9]|[3-9]\d)-bookworm-slim@\$\{NODE_IMAGE_DIGEST\}( AS \w+)?$/,
      );
    const user = doc.filter((i) => i.keyword === 'USER').pop()?.args;
    expect(user).toBe(
      `${String(at(pod, 'securityContext.runAsUser'))}:${String(at(pod, 'securityContext.runAsGroup'))}`,
    );
    expect(user).not.toMatch(/^0\b/);
  });

  it('.dockerignore keeps git history, host dependencies and local state out of the image', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '.fraudstream']));
  });

  it('the worker pod runs unprivileged on a read-only root, with CPU and memory bounded', () => {
    expect(at(pod, 'securityContext')).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(at(container, 'securityContext')).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const bound of ['requests', 'limits']) {
      expect(Object.keys(at(container, `resources.${bound}`) ?? {}).sort()).toEqual([
        'cpu',
        'memory',
      ]);
    }
    expect(listAt(container, 'volumeMounts').map((m) => m.mountPath)).toContain('/tmp');
  });
});
