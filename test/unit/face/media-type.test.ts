import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sniffMediaType } from '../../../src/face/media-type';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

void describe('sniffMediaType', () => {
  void test('recognises images by magic bytes', () => {
    assert.deepEqual(sniffMediaType(hex('ffd8ffe000104a464946')), { kind: 'image', mediaType: 'image/jpeg' });
    assert.deepEqual(sniffMediaType(hex('89504e470d0a1a0a0000000d49484452')), {
      kind: 'image',
      mediaType: 'image/png',
    });
    assert.deepEqual(sniffMediaType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), {
      kind: 'image',
      mediaType: 'image/webp',
    });
  });

  void test('recognises MP4, QuickTime and WebM containers', () => {
    assert.equal(
      sniffMediaType(Buffer.from('\x00\x00\x00\x20ftypisom\x00\x00\x02\x00', 'latin1'))?.mediaType,
      'video/mp4',
    );
    assert.equal(
      sniffMediaType(Buffer.from('\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00', 'latin1'))?.mediaType,
      'video/quicktime',
    );
    assert.equal(
      sniffMediaType(Buffer.from('\x00\x00\x00\x08wide\x00\x00', 'latin1'))?.mediaType,
      'video/quicktime',
    );
    const webm = Buffer.concat([hex('1a45dfa3 9f 4286 81 01 42f7 81 01 4282 84'), Buffer.from('webm')]);
    assert.deepEqual(sniffMediaType(webm), { kind: 'video', mediaType: 'video/webm' });
  });

  void test('refuses look-alikes and junk', () => {
    assert.equal(sniffMediaType(Buffer.alloc(0)), null);
    assert.equal(sniffMediaType(Buffer.from('hello, I am a text file')), null);
    assert.equal(
      sniffMediaType(Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00', 'latin1')),
      null,
      'HEIC is not accepted',
    );
    const mkv = Buffer.concat([hex('1a45dfa3 a3 4286 81 01 4282 88'), Buffer.from('matroska')]);
    assert.equal(sniffMediaType(mkv), null, 'Matroska (not WebM) is not accepted');
    assert.equal(sniffMediaType(hex('ffd8')), null, 'two bytes are not a JPEG');
  });
});
