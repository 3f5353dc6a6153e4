// The work-order desk's pure domain, shared by the server and the evaluation harness.
export * from './classify.ts';
export * from './desk.ts';
export * from './kpis.ts';
export * from './triage.ts';
