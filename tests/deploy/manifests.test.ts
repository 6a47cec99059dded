// deploy/k8s against the Kubernetes API schemas, offline and strict (deploy/k8s/validate.sh:
// kubernetes-validate for built-in kinds, deploy/k8s/schemas for KEDA's, Strimzi's and
// kustomize's). The planted mistakes show the validator fails on what it exists to catch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8S_DIR, k8sFiles, ROOT } from './deploy-files';

/** Runs the validator on `files`; its exit status and what it printed. */
function validate(files: readonly string[]): { status: number | null; output: string } {
  const run = spawnSync('bash', [join(K8S_DIR, 'validate.sh'), ...files], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A mistake planted in a copy of one manifest: the text replaced, and what replaces it. */
const MISTAKES: readonly { file: string; what: string; from: string; to: string }[] = [
  {
    file: 'worker.yaml',
    what: 'a misspelt container field',
    from: 'readOnlyRootFilesystem: true',
    to: 'readOnlyRootFileSystem: true',
  },
  {
    file: 'worker.yaml',
    what: 'a CPU limit of the wrong type',
    from: "limits: { cpu: '2', memory: 1Gi }",
    to: 'limits: { cpu: [2], memory: 1Gi }',
  },
  {
    file: 'network-policy.yaml',
    what: 'an unknown policy type field',
    from: 'policyTypes:',
    to: 'policyType:',
  },
  {
    file: 'autoscaling.yaml',
    what: "a Kafka scaler key KEDA does not know (KEDA's CRD would accept any)",
    from: 'consumerGroup:',
    to: 'consumerGroups:',
  },
  {
    file: 'autoscaling.yaml',
    what: 'an authentication parameter the Kafka scaler does not read',
    from: 'parameter: sasl,',
    to: 'parameter: saslMechanism,',
  },
  {
    file: 'topics.yaml',
    what: 'a KafkaTopic without its cluster label',
    from: 'labels: { strimzi.io/cluster: fraudstream }',
    to: 'labels: { strimzi.io/clusters: fraudstream }',
  },
  {
    file: 'namespace.yaml',
    what: 'a kind with no schema',
    from: 'kind: Namespace',
    to: 'kind: Namespaces',
  },
];

describe('deploy/k8s', () => {
  it('validates against the Kubernetes API schemas, every object of every file', () => {
    const { status, output } = validate([]);
    expect(output).not.toMatch(/ERROR/);
    expect(status).toBe(0);
    for (const file of k8sFiles()) expect(output).toContain(`${file} `);
  });

  it('fails on each planted mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-k8s-mistakes-'));
    try {
      const planted = MISTAKES.map((m, i) => {
        const text = readFileSync(join(K8S_DIR, m.file), 'utf8');
        expect(text).toContain(m.from);
        const copy = join(dir, `${i}-${m.file}`);
        writeFileSync(copy, text.replace(m.from, m.to));
        return { ...m, copy };
      });
      const { status, output } = validate(planted.map((p) => p.copy));
      expect(status).toBe(1);
      for (const p of planted) {
        expect({ what: p.what, failed: output.includes(`ERROR ${p.copy}`) }).toEqual({
          what: p.what,
          failed: true,
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
