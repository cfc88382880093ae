// Runs one benchmark file and prints its section as JSON on stdout.
import { pathToFileURL } from 'node:url';
import type { Bench } from './bench-report.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/run-one.ts <file.bench.ts>');
const module = (await import(pathToFileURL(file).href)) as { default: Bench };
process.stdout.write(JSON.stringify(await module.default()));
