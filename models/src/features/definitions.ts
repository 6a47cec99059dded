/**
 * The feature list: names and order of the model's input vector. The first fifteen are the
 * baseline of docs/simulator.md, "Features"; the rest are ours (its features table says why each exists).
 */
export const BASELINE_FEATURES = [
  'amount',
  'during_weekend',
  'during_night',
  'customer_nb_tx_1d',
  'customer_avg_amount_1d',
  'customer_nb_tx_7d',
  'customer_avg_amount_7d',
  'customer_nb_tx_30d',
  'customer_avg_amount_30d',
  'terminal_nb_tx_1d',
  'terminal_risk_1d',
  'terminal_nb_tx_7d',
  'terminal_risk_7d',
  'terminal_nb_tx_30d',
  'terminal_risk_30d',
] as const;

/** Features beyond the baseline: amount against the card's own history, fresher terminal risk. */
export const EXTRA_FEATURES = [
  'amount_log_ratio_1d',
  'amount_log_ratio_7d',
  'amount_log_ratio_30d',
  'amount_zscore_30d',
  'amount_log_ratio_baseline',
  'customer_avg_1d_log_ratio_baseline',
  'customer_nb_high_1d',
  'customer_nb_high_7d',
  'terminal_nb_fraud_1d',
  'terminal_nb_fraud_7d',
  'terminal_nb_fraud_30d',
  'terminal_fraud_age_days',
  'terminal_first_fraud_age_days',
  'terminal_risk_since_first_fraud',
] as const;

/** Every feature the computation produces, in vector order. */
export const FEATURE_NAMES: readonly string[] = [...BASELINE_FEATURES, ...EXTRA_FEATURES];

/** Name of one feature of the vector. */
export type FeatureName = (typeof BASELINE_FEATURES)[number] | (typeof EXTRA_FEATURES)[number];

/** Window lengths, in days, of the customer and terminal features. */
export const WINDOW_DAYS = [1, 7, 30] as const;

/** `terminal_fraud_age_days` when the terminal has no known fraud in its longest window. */
export const NO_FRAUD_AGE_DAYS = 31;

/**
 * A transaction is "high" for its card when its amount exceeds this many times the card's mean
 * over the previous 30 days; the count of high transactions is kept per bucket (a sequence
 * feature: leaked credentials are used several times).
 */
export const HIGH_AMOUNT_RATIO = 3;
