// Runs the ONNX model in a worker thread: inference and tokenisation hold a core for tens of
// milliseconds per batch, which on the main thread would delay Kafka heartbeats and HTTP.
// Plain ESM JavaScript because @xenova/transformers is an ES module that jest cannot require.
import { parentPort, workerData } from 'node:worker_threads';
import { env, pipeline } from '@xenova/transformers';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = workerData.modelPath;
env.cacheDir = workerData.cacheDir;

try {
  const extractor = await pipeline('feature-extraction', workerData.modelId, { quantized: true });
  parentPort.on('message', async (request) => {
    try {
      if (request.type === 'embed') {
        const output = await extractor(request.texts, {
          pooling: workerData.pooling,
          normalize: false,
        });
        const data = Float32Array.from(output.data);
        parentPort.postMessage({ id: request.id, data, dims: output.dims }, [data.buffer]);
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
