// Placeholder replaced below.
export function outageReport(): string { return ''; }
