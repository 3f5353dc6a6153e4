// The complaint early warning's pure domain, shared by the server and the evaluation harness.
export * from './features.ts';
export * from './logistic.ts';
export * from './model.ts';
export * from './training.ts';
export * from './alerts.ts';
export * from './monitor.ts';
