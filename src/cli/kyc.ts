// `kyc <command>`: one entry point for the face engine tools and the API client.
type Command = { summary: string; run: (argv: string[]) => Promise<number> };

// Each command loads its module on demand: `kyc verify` must not pay for loading face models.
const commands: Record<string, Command> = {
  compare: {
    summary: 'decide one ID image + selfie video locally: --id-image FILE --selfie-video FILE [--json]',
    run: async (argv) => (await import('./face-commands')).runCompare(argv),
  },
  eval: {
    summary: 'measure accuracy on a pairs TSV: --pairs FILE [--json] [--plot FILE]',
    run: async (argv) => (await import('./face-commands')).runEval(argv),
  },
  'bench-face': {
    summary: 'model load time, per-image and per-video latency, peak RSS',
    run: async (argv) => (await import('./face-commands')).runBenchFace(argv),
  },
  'make-sample': {
    summary:
      'generate a sample ID image + selfie video from the dev photos: --out DIR [--person NAME] [--impostor]',
    run: async (argv) => (await import('./face-commands')).runMakeSample(argv),
  },
  verify: {
    summary:
      'verify through a running stack: --id-image FILE --selfie-video FILE [--api URL] [--api-key KEY] [--json]',
    run: async (argv) => (await import('./verify')).runVerify(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: kyc <command> [options]', '', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`kyc: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
