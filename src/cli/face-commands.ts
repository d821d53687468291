// The face engine's subcommands of `kyc`. Each takes argv (after the command name) and returns an exit code.
import { parseArgs } from 'node:util';
import type { FaceDecision } from '../face';

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

function printDecision(d: FaceDecision): void {
  console.log(`outcome:     ${d.outcome}${d.reasons.length ? ` (${d.reasons.join(', ')})` : ''}`);
  console.log(
    `similarity:  ${d.similarity ?? 'n/a'}  (decline < ${d.thresholds.decline}, approve >= ${d.thresholds.approve})`,
  );
  const l = d.liveness;
  console.log(
    `liveness:    risk ${l.risk}; antispoof ${l.antispoof} live ${l.live} motion ${l.motion} consistency ${l.consistency}`,
  );
  for (const f of d.frames) {
    const sim = f.similarity === null ? '' : ` similarity ${f.similarity}`;
    console.log(
      `  frame ${f.index} @${f.timeSeconds}s faces ${f.faces} quality ${f.quality}${sim}${f.used ? ' [used]' : ''}`,
    );
  }
  console.log(`pipeline:    ${d.pipelineVersion}; ${JSON.stringify(d.timingsMs)}`);
}

export async function runCompare(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'id-image': { type: 'string' },
      'selfie-video': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const idImagePath = values['id-image'];
  const selfieVideoPath = values['selfie-video'];
  if (!idImagePath || !selfieVideoPath) {
    console.error('usage: kyc compare --id-image FILE --selfie-video FILE [--json]');
    return 2;
  }
  const { createFaceEngine, faceConfigFromEnv, MediaError } = await import('../face');
  const engine = await createFaceEngine(faceConfigFromEnv(process.env));
  try {
    const decision = await engine.verify({ idImagePath, selfieVideoPath });
    if (values.json) console.log(JSON.stringify(decision));
    else printDecision(decision);
    return 0;
  } catch (err) {
    if (!(err instanceof MediaError)) throw err;
    // Bad media is an answer too: print it the same way (declined with the media reason) and exit 3.
    const out = {
      outcome: 'declined',
      reasons: [err.code],
      similarity: null,
      error: { code: err.code, message: err.message, file: err.file },
    };
    if (values.json) console.log(JSON.stringify(out));
    else console.error(`declined: ${err.code}: ${err.message}`);
    return 3;
  } finally {
    await engine.dispose();
  }
}

export async function runEval(_argv: string[]): Promise<number> {
  console.error('kyc eval: engine not built yet');
  return 1;
}

export async function runBenchFace(_argv: string[]): Promise<number> {
  console.error('kyc bench-face: engine not built yet');
  return 1;
}
