// The face engine's subcommands of `kyc`. Each takes argv (after the command name) and returns an exit code.
import { parseArgs } from 'node:util';

export async function runMakeSample(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      person: { type: 'string' },
      impostor: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.out) {
    console.error('usage: kyc make-sample --out DIR [--person NAME] [--impostor] [--seconds N] [--json]');
    return 2;
  }
  const { makeSample } = await import('../face/testmedia');
  const seconds = values.seconds ? Number(values.seconds) : undefined;
  const files = await makeSample(values.out, {
    person: values.person,
    impostor: values.impostor,
    video: seconds ? { seconds } : {},
  });
  if (values.json) console.log(JSON.stringify(files));
  else
    console.log(`wrote ${files.idImage} (${files.person}) and ${files.selfieVideo} (${files.selfiePerson})`);
  return 0;
}

export async function runCompare(_argv: string[]): Promise<number> {
  console.error('kyc compare: engine not built yet');
  return 1;
}

export async function runEval(_argv: string[]): Promise<number> {
  console.error('kyc eval: engine not built yet');
  return 1;
}

export async function runBenchFace(_argv: string[]): Promise<number> {
  console.error('kyc bench-face: engine not built yet');
  return 1;
}
