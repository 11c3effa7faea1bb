// N:M sparse training in code, without a recipe: a small MLP trained to 1:8
// on its hidden layer with mask decay (MDGF), then checked exactly N:M.
// Run: node --import tsx examples/nm-in-code.ts
import { AdamW, Rng, applySparsity, buildModel, crossEntropy, isNM, randn } from '../src/index.js';

const rng = new Rng(0);
const model = buildModel({ type: 'mlp', inputShape: [1, 8, 8], hidden: [64], classes: 4 }, rng);
if (model.task !== 'classify') throw new Error('an MLP classifies');
const steps = 60;
const sparsity = applySparsity(model, { n: 1, m: 8, flow: 'mdgf', decay: 'exp', locations: ['ff'] }, { totalSteps: steps, totalEpochs: 1 });
const opt = new AdamW(model, { lr: 3e-3 });
const x = randn([32, 1, 8, 8], rng);
const y = Int32Array.from({ length: 32 }, (_, i) => i % 4);
for (let step = 0; step < steps; step++) {
  sparsity.step(step); // advances the schedule, recomputes masks, decays β
  opt.zeroGrad();
  const loss = crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  if (step % 20 === 0 || step === steps - 1) console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
}
sparsity.finalize(); // bakes the masks into the weights
sparsity.verify(); // throws unless every selected weight is exactly 1:8
for (const [name, w] of model.namedParameters()) {
  if (name.endsWith('.weight')) console.log(`${name} [${w.shape.join(', ')}] 1:8: ${isNM(w, { n: 1, m: 8 })}`);
}
