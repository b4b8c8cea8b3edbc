import { jobDocument, profileDocument } from '@matchstream/testing';
import { decodeVector, encodeVector, entityVectorEvent } from './entity-vector-event.schema';

describe('encodeVector / decodeVector', () => {
  it('round-trips float32 values exactly', () => {
    const vector = new Float32Array([0.1, -2.5, 3e-8, 0, -0, 1e30, Math.PI]);
    const decoded = decodeVector(encodeVector(vector), vector.length);
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded)).toEqual(Array.from(vector));
  });

  it('is little-endian float32, base64', () => {
    // 1.0f is 0x3f800000: bytes 00 00 80 3f little-endian.
    expect(encodeVector(new Float32Array([1]))).toBe(
      Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'),
    );
  });

  it('encodes only the view, not the whole underlying buffer', () => {
    const whole = new Float32Array([9, 1, 2, 3, 9]);
    const view = whole.subarray(1, 4);
    expect(Array.from(decodeVector(encodeVector(view), 3))).toEqual([1, 2, 3]);
  });

  it('encodes a 384-dimension embedding in 2048 base64 characters', () => {
    const vector = Float32Array.from({ length: 384 }, (_, i) => Math.sin(i));
    const encoded = encodeVector(vector);
    expect(encoded).toHaveLength(2048);
    expect(decodeVector(encoded, 384)).toEqual(vector);
  });

  it('rejects a vector of the wrong dimension', () => {
    const encoded = encodeVector(new Float32Array([1, 2, 3, 4]));
    expect(() => decodeVector(encoded, 3)).toThrow('vector has 4 dimensions, expected 3');
    expect(() => decodeVector(encoded, 5)).toThrow('expected 5');
    expect(() => decodeVector('', 1)).toThrow('expected 1');
  });
});

describe('entityVectorEvent', () => {
  const common = {
    schemaVersion: 1,
    sourceEventId: 'evt-000001',
    entityVersion: 3,
    occurredAt: '2025-03-01T09:30:00.000Z',
    producedAt: '2025-03-01T09:30:01.250Z',
  };
  const embedding = {
    modelId: 'Xenova/all-MiniLM-L6-v2',
    textBuilderVersion: 1,
    contentHash: 'a'.repeat(64),
    vector: encodeVector(new Float32Array(384).fill(0.05)),
    dimension: 384,
  };

  it('accepts embedded profiles and jobs carrying their parsed document', () => {
    const profile = {
      ...common,
      ...embedding,
      type: 'entity.embedded',
      entityType: 'profile',
      entityId: 'profile-ml-platform',
      document: profileDocument('profile-ml-platform'),
    };
    const job = {
      ...common,
      ...embedding,
      type: 'entity.embedded',
      entityType: 'job',
      entityId: 'job-ml-platform',
      document: jobDocument('job-ml-platform'),
    };
    expect(entityVectorEvent.parse(profile)).toEqual(profile);
    expect(entityVectorEvent.parse(job)).toEqual(job);
  });

  it('accepts a removal, which carries no embedding', () => {
    const removed = { ...common, type: 'entity.removed', entityType: 'job', entityId: 'job-sre' };
    expect(entityVectorEvent.parse(removed)).toEqual(removed);
    expect(entityVectorEvent.safeParse({ ...removed, ...embedding }).success).toBe(false);
  });

  it('rejects a profile document on a job event and a malformed content hash', () => {
    const mismatched = {
      ...common,
      ...embedding,
      type: 'entity.embedded',
      entityType: 'job',
      entityId: 'job-ml-platform',
      document: profileDocument('profile-ml-platform'),
    };
    expect(entityVectorEvent.safeParse(mismatched).success).toBe(false);
    const badHash = {
      ...mismatched,
      entityType: 'profile',
      contentHash: 'A'.repeat(64),
    };
    expect(entityVectorEvent.safeParse(badHash).success).toBe(false);
    expect(entityVectorEvent.safeParse({ ...badHash, contentHash: 'a'.repeat(64) }).success).toBe(
      true,
    );
  });
});
