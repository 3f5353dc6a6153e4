import { loadNetworkFile } from '@gridwatch/shared/node';
import { runComplaintArm } from './complaints.ts';
const network = loadNetworkFile('greensboro');
const r = runComplaintArm({ network, seed: Number(process.argv[2] ?? 1), trainDays: Number(process.argv[3] ?? 7), days: Number(process.argv[4] ?? 2), arm: 'control' });
console.log(JSON.stringify({ model: r.model, keptPrior: r.keptPrior, heldOut: r.trainingHeldOut }));
for (const s of r.outages) console.log([s.id.slice(0,30), s.kind, s.customers, new Date(s.startedAt).toISOString().slice(5,16), s.restoredAt ? Math.round((s.restoredAt - s.startedAt)/60000) : 'open', ((s.detectedAt - s.startedAt)/60000).toFixed(1), s.alertAt ? ((s.alertAt - s.startedAt)/60000).toFixed(1) : '-', s.firstComplaint ? ((s.firstComplaint - s.startedAt)/60000).toFixed(1) : '-', s.complaints, s.maxProbability.toFixed(2)].join('\t'));
const truthComplaints = r.complaints.length;
console.log('complaints (truth)', truthComplaints, 'warned', r.complaints.filter(c=>c.warned).length);
