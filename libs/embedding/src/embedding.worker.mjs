// Runs the ONNX model in a worker thread: inference and tokenisation hold a core for tens of
// milliseconds per batch, which on the main thread would delay Kafka heartbeats and HTTP.
// Plain ESM JavaScript because @xenova/transformers is an ES module that jest cannot require.
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline } from '@xenova/transformers';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = workerData.modelPath;
env.cacheDir = workerData.cacheDir;

/**
 * Embeds texts in ONNX runs of at most runSize, texts of similar length together: a run pads every
 * text to its longest one, and on a CPU padding is most of what a large mixed batch costs (measured
 * by npm run bench: small sorted runs beat any batch size in input order). Rows come back in input
 * order.
 */
async function embedInRuns(extractor, texts, runSize) {
  const size = Math.max(1, runSize ?? texts.length);
  const order = texts.map((_, i) => i);
  // One run keeps the given order: that is the raw model, as the benchmark measures it.
  if (texts.length > size) order.sort((a, b) => texts[a].length - texts[b].length);
  let data = null;
  let dimension = 0;
  for (let start = 0; start < order.length; start += size) {
    const run = order.slice(start, start + size);
    const output = await extractor(
      run.map((i) => texts[i]),
      { pooling: workerData.pooling, normalize: false },
    );
    dimension = output.dims[1];
    data ??= new Float32Array(texts.length * dimension);
    run.forEach((original, row) =>
      data.set(output.data.subarray(row * dimension, (row + 1) * dimension), original * dimension),
    );
    // ONNX Runtime runs synchronously on this thread: between runs, let other requests (token
    // counts for the next chunk) through instead of making them wait for the whole call.
    if (start + size < order.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return { data, dims: [texts.length, dimension] };
}

try {
  const extractor = await pipeline('feature-extraction', workerData.modelId, { quantized: true });
  parentPort.on('message', async (request) => {
    try {
      if (request.type === 'embed') {
        const { data, dims } = await embedInRuns(extractor, request.texts, request.runSize);
        parentPort.postMessage({ id: request.id, data, dims }, [data.buffer]);
      } else if (request.type === 'count-tokens') {
        const counts = request.texts.map(
          (text) => extractor.tokenizer.encode(text, null, { add_special_tokens: false }).length,
        );
        parentPort.postMessage({ id: request.id, counts });
      } else {
        parentPort.postMessage({ id: request.id, error: `unknown request ${request.type}` });
      }
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: String(error?.message ?? error) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: String(error?.message ?? error) });
}
