// Entry point of the `llm` binary (dist/cli.js, with a shebang added by tsup).
import { errorLine } from './errors.js';
import { processIO } from './io.js';
import { main } from './main.js';

// a failure outside a command's await chain (a stray rejection) still ends in one line
const fatal = (e: unknown) => {
  process.stderr.write(`llm: ${errorLine(e)}\n`);
  if (process.env.LLM_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// a closed pipe (`llm generate ... | head -1`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else fatal(e); });

const code = await main(process.argv.slice(2), processIO());
// let piped output drain, then exit even if a backend (WebGPU) keeps handles open
process.stdout.write('', () => process.exit(code));
