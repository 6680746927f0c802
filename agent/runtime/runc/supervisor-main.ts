/** Entry of the per-container supervisor process: `node supervisor-main.js '<SupervisorOptions JSON>'`. */
import { supervise, type SupervisorOptions } from './supervisor.js';

await supervise(JSON.parse(process.argv[2] ?? '') as SupervisorOptions);
