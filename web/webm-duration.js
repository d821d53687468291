/* global Blob */
// MediaRecorder writes WebM as a live stream: the Segment Info has no Duration element, so players and ffprobe
// cannot tell how long the clip is (and a server sampling frames "evenly over the clip" samples the wrong span).
// This adds the Duration we measured while recording, rewriting only the Info element's header and content.

export const ID = {
  EBML: 0x1a45dfa3,
  SEGMENT: 0x18538067,
  SEEK_HEAD: 0x114d9b74,
  INFO: 0x1549a966,
  TIMECODE_SCALE: 0x2ad7b1,
  DURATION: 0x4489,
};

/** An EBML variable-size integer at pos: its length, its value without the marker bit, and the unknown flag. */
function readVint(buf, pos, keepMarker = false) {
  const first = buf[pos];
  if (first === undefined || first === 0) return null;
  let len = 1;
  while (!(first & (0x80 >> (len - 1)))) len++;
  if (pos + len > buf.length) return null;
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = (first & (0xff >> len)) === 0xff >> len;
  for (let i = 1; i < len; i++) {
    value = value * 256 + buf[pos + i];
    allOnes = allOnes && buf[pos + i] === 0xff;
  }
  return { len, value, unknown: !keepMarker && allOnes };
}

export function readElement(buf, pos) {
  const id = readVint(buf, pos, true);
  if (!id) return null;
  const size = readVint(buf, pos + id.len);
  if (!size) return null;
  const dataStart = pos + id.len + size.len;
  return { id: id.value, pos, dataStart, size: size.unknown ? null : size.value, idLen: id.len };
}

/** Eight-byte size field: always long enough, and valid EBML for any size. */
function sizeField(size) {
  const out = new Uint8Array(8);
  out[0] = 0x01;
  let v = size;
  for (let i = 7; i >= 1; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function readUint(buf, start, len) {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + buf[start + i];
  return v;
}

function concat(parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The patched bytes, or null when the file is not a WebM we understand or already has a duration. */
export function patchWebmDuration(buf, durationMs) {
  const ebml = readElement(buf, 0);
  if (!ebml || ebml.id !== ID.EBML || ebml.size === null) return null;
  const segment = readElement(buf, ebml.dataStart + ebml.size);
  if (!segment || segment.id !== ID.SEGMENT) return null;
  let pos = segment.dataStart;
  while (pos < buf.length) {
    const el = readElement(buf, pos);
    if (!el || el.size === null) return null;
    // A SeekHead holds byte offsets that growing Info would break; muxers that write one also write Duration.
    if (el.id === ID.SEEK_HEAD) return null;
    if (el.id === ID.INFO) return patchInfo(buf, segment, el, durationMs);
    pos = el.dataStart + el.size;
  }
  return null;
}

function patchInfo(buf, segment, info, durationMs) {
  const end = info.dataStart + info.size;
  let timecodeScale = 1_000_000;
  for (let pos = info.dataStart; pos < end;) {
    const child = readElement(buf, pos);
    if (!child || child.size === null) return null;
    if (child.id === ID.DURATION) return null;
    if (child.id === ID.TIMECODE_SCALE) timecodeScale = readUint(buf, child.dataStart, child.size);
    pos = child.dataStart + child.size;
  }
  const duration = new Uint8Array(11);
  duration.set([0x44, 0x89, 0x88]);
  new DataView(duration.buffer).setFloat64(3, (durationMs * 1_000_000) / timecodeScale, false);
  const content = concat([buf.subarray(info.dataStart, end), duration]);
  const newInfo = concat([buf.subarray(info.pos, info.pos + info.idLen), sizeField(content.length), content]);
  const delta = newInfo.length - (end - info.pos);
  const parts = [];
  if (segment.size === null) {
    parts.push(buf.subarray(0, info.pos));
  } else {
    // A known-size Segment grows by what Info grew.
    parts.push(buf.subarray(0, segment.pos + segment.idLen), sizeField(segment.size + delta));
    parts.push(buf.subarray(segment.dataStart, info.pos));
  }
  parts.push(newInfo, buf.subarray(end));
  return concat(parts);
}

/** A Blob with the recorded duration written in; the original blob when it cannot (or need not) be patched. */
export async function withWebmDuration(blob, durationMs) {
  const patched = patchWebmDuration(new Uint8Array(await blob.arrayBuffer()), durationMs);
  return patched ? new Blob([patched], { type: blob.type }) : blob;
}
