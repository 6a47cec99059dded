'use strict';
// Proves that @tensorflow/tfjs-node runs on its native TensorFlow backend (never the JS one).
// Used by deploy/local/tfjs-native.sh:  node tfjs-check.js quick|full TFJS_NODE_DIR
//   quick: load the binding, check backend + one op (the fast "already done?" test).
//   full:  also train a small model (gradients, optimizer, batchnorm, dropout, conv1d, lstm) and
//          round-trip it through model.save/tf.loadLayersModel with file:// URLs.
// Prints one `backend=... tf=... tfjs-node=...` line on success; exits 1 with the reason otherwise.
const fs = require('fs');
const os = require('os');
const path = require('path');

const [mode, dir] = process.argv.slice(2);
if (!['quick', 'full'].includes(mode) || !dir) {
  console.error('usage: node tfjs-check.js quick|full TFJS_NODE_DIR');
  process.exit(2);
}

function fail(msg) {
  throw new Error(msg);
}

function quick(tf) {
  const backend = tf.getBackend();
  if (backend !== 'tensorflow') fail(`backend is ${backend}, not tensorflow`);
  const binding = tf.backend().binding;
  const tfVersion = binding && binding.TF_Version;
  if (typeof tfVersion !== 'string') fail('native binding does not report TF_Version');
  const sq = Array.from(tf.tensor([1, 2]).square().dataSync());
  if (sq[0] !== 1 || sq[1] !== 4) fail(`square([1,2]) gave [${sq}] instead of [1,4]`);
  return { backend, tfVersion, square: sq };
}

async function full(tf) {
  // Dense classifier on a linearly separable rule: must actually learn, not just run.
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dropout({ rate: 0.1 }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['acc'] });
  const n = 512;
  const xs = tf.randomNormal([n, 4], 0, 1, 'float32', 42);
  const ys = xs
    .slice([0, 0], [n, 1])
    .add(xs.slice([0, 1], [n, 1]))
    .greater(0)
    .cast('float32');
  const h = await model.fit(xs, ys, { epochs: 15, batchSize: 64, verbose: 0 });
  const loss = h.history.loss;
  const acc = h.history.acc[h.history.acc.length - 1];
  if (!(loss[loss.length - 1] < loss[0]) || acc < 0.85) {
    fail(`training did not converge (loss ${loss[0]} -> ${loss[loss.length - 1]}, acc ${acc})`);
  }

  // Convolution + recurrent layers + rmsprop exercise a different set of kernels.
  const m2 = tf.sequential();
  m2.add(tf.layers.conv1d({ inputShape: [8, 2], filters: 4, kernelSize: 3, activation: 'relu' }));
  m2.add(tf.layers.lstm({ units: 5 }));
  m2.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  m2.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  const y2 = tf.oneHot(tf.randomUniform([32], 0, 3, 'int32', 7), 3);
  const h2 = await m2.fit(tf.randomUniform([32, 8, 2], 0, 1, 'float32', 7), y2, {
    epochs: 2,
    verbose: 0,
  });
  if (!h2.history.loss.every(Number.isFinite)) fail('conv1d+lstm training produced NaN loss');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-native-check-'));
  try {
    const probe = tf.tensor2d([
      [2, 2, 0, 0],
      [-2, -2, 0, 0],
    ]);
    const before = Array.from(model.predict(probe).dataSync());
    if (!(before[0] > 0.9 && before[1] < 0.1)) fail(`trained model predicts [${before}]`);
    await model.save(`file://${dir}/m`);
    const loaded = await tf.loadLayersModel(`file://${dir}/m/model.json`);
    const after = Array.from(loaded.predict(probe).dataSync());
    const diff = Math.max(...before.map((v, i) => Math.abs(v - after[i])));
    if (diff > 1e-6) fail(`reloaded model predicts [${after}], saved one [${before}]`);
    await loaded.save(`file://${dir}/m2`);
    if (!fs.existsSync(`${dir}/m2/weights.bin`))
      fail('re-saving the loaded model wrote no weights');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { loss: [loss[0], loss[loss.length - 1]], acc };
}

(async () => {
  // tfjs-node 4.22 calls util.isNullOrUndefined, removed in Node 23 (tensorflow/tfjs#8609).
  const nodeUtil = require('util');
  if (typeof nodeUtil.isNullOrUndefined !== 'function') {
    nodeUtil.isNullOrUndefined = (v) => v === null || v === undefined;
  }
  const tf = require(dir);
  const q = quick(tf);
  const tfjsNode = require(path.join(dir, 'package.json')).version;
  let extra = '';
  if (mode === 'full') {
    const f = await full(tf);
    extra = ` fit-loss=${f.loss[0].toFixed(3)}->${f.loss[1].toFixed(3)} fit-acc=${f.acc.toFixed(3)} save/load=ok`;
  }
  console.log(
    `backend=${q.backend} tf=${q.tfVersion} tfjs-node=${tfjsNode} square=[${q.square}]${extra}`,
  );
})().catch((e) => {
  console.error(`tfjs-check: ${e && e.message ? e.message.split('\n')[0] : e}`);
  process.exit(1);
});
