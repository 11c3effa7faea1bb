/**
 * The gradient flows: how pruned weights take part in training.
 * - ste: hard mask forward, gradient straight through to every weight
 * - srste: ste plus λ·(1 − mask)·W on the weight gradient (Zhou et al. 2021)
 * - mdgf: pruned weights scaled by a factor β decaying to 0 (Bambhaniya et al. 2024)
 * - bdwp: N:M forward and a separate N:M of Wᵀ for the input gradient (Zhang et al. 2023)
 * Structure decay (SDGF) is a schedule, not a flow: it runs with any of these.
 */
export const FLOW_KINDS = ['ste', 'srste', 'mdgf', 'bdwp'] as const;

export type FlowKind = (typeof FLOW_KINDS)[number];
