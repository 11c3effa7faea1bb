/**
 * Evaluation metrics accumulated over batches.
 * logits: [N, C] rows of class scores; targets: [N] class indices.
 */
export interface ClassificationTotals {
  lossSum: number;
  count: number;
  correct: number;
  correctTop5: number;
}

export function emptyTotals(): ClassificationTotals {
  return { lossSum: 0, count: 0, correct: 0, correctTop5: 0 };
}

/** Adds one batch: `loss` is the batch's mean loss over its `targets.length` rows (ignored targets < 0 skipped). */
export function addBatch(totals: ClassificationTotals, logits: Float32Array, classes: number, targets: Int32Array, loss: number): void {
  let counted = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (t < 0) continue;
    counted++;
    const row = i * classes;
    const target = logits[row + t]!;
    // rank of the target = how many classes score higher (ties go to the target)
    let higher = 0;
    for (let c = 0; c < classes; c++) if (logits[row + c]! > target) higher++;
    if (higher === 0) totals.correct++;
    if (higher < 5) totals.correctTop5++;
  }
  totals.lossSum += loss * counted;
  totals.count += counted;
}

export interface ClassificationMetrics {
  loss: number;
  accuracy: number;
  top5: number;
}

export function classificationMetrics(t: ClassificationTotals): ClassificationMetrics {
  const n = Math.max(1, t.count);
  return { loss: t.lossSum / n, accuracy: t.correct / n, top5: t.correctTop5 / n };
}

/** Language-model figures from a mean cross-entropy in nats per token. */
export function languageMetrics(meanLoss: number): { loss: number; perplexity: number; bitsPerChar: number } {
  return { loss: meanLoss, perplexity: Math.exp(meanLoss), bitsPerChar: meanLoss / Math.LN2 };
}
