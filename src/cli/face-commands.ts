// The face engine's subcommands of `kyc`. Each takes argv (after the command name) and returns an exit code.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FaceDecision } from '../face';
import type { EvalResult } from '../face/eval';

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

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

function printEval(r: EvalResult): void {
  console.log(
    `pairs ${r.pairs} (${r.genuine} genuine, ${r.impostor} impostor), images ${r.images}, descriptor ${r.descriptor}`,
  );
  console.log(`accuracy at calibrated threshold ${r.thresholds.match.toFixed(3)}: ${pct(r.accuracy)}`);
  console.log(
    `best accuracy: ${pct(r.bestAccuracy)} at ${r.bestThreshold.toFixed(3)}; EER ${pct(r.eer)} at ${r.eerThreshold.toFixed(3)}`,
  );
  console.log(
    `TAR at FAR 1%: ${pct(r.tarAtFar.far1)}, 0.1%: ${pct(r.tarAtFar.far01)}, 0: ${pct(r.tarAtFar.far0)}`,
  );
  console.log(`decline < ${r.thresholds.decline}: FAR ${pct(r.atDecline.far)} FRR ${pct(r.atDecline.frr)}`);
  console.log(
    `approve >= ${r.thresholds.approve}: FAR ${pct(r.atApprove.far)} FRR ${pct(r.atApprove.frr)}; impostors above approve: ${r.impostorsAboveApprove}`,
  );
  console.log(
    `review band: ${pct(r.reviewRate)} of pairs; max impostor ${r.maxImpostorScore.toFixed(3)}, min genuine ${r.minGenuineScore.toFixed(3)}`,
  );
  console.log(`faces not found: ${r.noFace} images (${r.noFacePairs} pairs)`);
  console.log(
    `ms per image: mean ${r.msPerImage.mean.toFixed(0)}, p50 ${r.msPerImage.p50.toFixed(0)}, p95 ${r.msPerImage.p95.toFixed(0)}; model load ${r.modelLoadMs.toFixed(0)} ms`,
  );
}

export async function runEval(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pairs: { type: 'string' },
      json: { type: 'boolean', default: false },
      plot: { type: 'string' },
      descriptor: { type: 'string' },
      limit: { type: 'string' },
      scores: { type: 'string' },
    },
  });
  if (!values.pairs) {
    console.error(
      'usage: kyc eval --pairs FILE [--json] [--plot FILE.svg] [--descriptor fused|faceapi|faceres] [--limit N]',
    );
    return 2;
  }
  const { faceConfigFromEnv } = await import('../face/config');
  const { runPairsEval } = await import('../face/eval');
  const env = values.descriptor ? { ...process.env, FACE_DESCRIPTOR: values.descriptor } : process.env;
  const cfg = faceConfigFromEnv(env);
  const r = await runPairsEval(values.pairs, cfg, {
    limit: values.limit ? Number(values.limit) : undefined,
    onImage: (done, total) => {
      if (!values.json && (done % 50 === 0 || done === total))
        process.stderr.write(`  ${done}/${total} images\n`);
    },
  });
  if (values.plot) {
    const { evalSvg } = await import('../face/plot');
    writeFileSync(
      values.plot,
      evalSvg(r, `kyc eval: ${path.basename(values.pairs)}, ${r.pairs} pairs, descriptor ${r.descriptor}`),
    );
  }
  if (values.scores)
    writeFileSync(values.scores, JSON.stringify(r.scored.map((p) => [p.a, p.b, p.same ? 1 : 0, p.score])));
  if (values.json) {
    const { scored: _scored, metrics: _metrics, ...summary } = r;
    console.log(JSON.stringify(summary));
  } else printEval(r);
  return 0;
}

export async function runBenchFace(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      iterations: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      drift: { type: 'string', default: '0' },
      seconds: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
    },
  });
  const { faceConfigFromEnv } = await import('../face/config');
  const { runBench } = await import('../face/bench');
  const log = (line: string): void => {
    if (!values.json) console.error(line);
  };
  const r = await runBench(faceConfigFromEnv(process.env), {
    iterations: Number(values.iterations),
    warmup: Number(values.warmup),
    driftComparisons: Number(values.drift),
    seconds: Number(values.seconds),
    log,
  });
  if (values.json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  console.log(`model load: ${r.modelLoadMs} ms`);
  console.log(`ID image (decode + inference): p50 ${r.idImageMs.p50} ms, p95 ${r.idImageMs.p95} ms`);
  console.log(
    `${r.videoSeconds} s selfie video (decode + inference, ${r.framesSampled} frames): p50 ${r.videoMs.p50} ms, p95 ${r.videoMs.p95} ms`,
  );
  console.log(
    `decision (ID + video, after warm-up, n=${r.iterations}): p50 ${r.decisionMs.p50} ms, p95 ${r.decisionMs.p95} ms`,
  );
  console.log(
    `event-loop delay on the calling thread: p99 ${r.eventLoopDelayP99Ms} ms, max ${r.eventLoopDelayMaxMs} ms`,
  );
  console.log(`peak RSS: ${r.peakRssMb} MB; last outcome ${r.outcome} (similarity ${r.similarity})`);
  if (r.drift) {
    const d = r.drift;
    console.log(
      `drift over ${d.comparisons} comparisons: tensors ${d.tensorsStart} -> ${d.tensorsEnd}, RSS ${d.rssStartMb} -> ${d.rssEndMb} MB (max ${d.rssMaxMb})`,
    );
  }
  return 0;
}
