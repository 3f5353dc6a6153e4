export * from './topics.ts';
export * from './eventCodes.ts';
export * from './schemas.ts';
export * from './network.ts';
export * from './random.ts';
export * from './generate.ts';
export * from './realtime.ts';
export * from './risk.ts';
