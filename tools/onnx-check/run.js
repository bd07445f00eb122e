#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime, as a consumer independent of NetCanvas would.
//
//   node run.js MODEL.onnx INPUT.(csv|json)
//
// INPUT is a CSV of numbers with one sample per row (a first row that is not all numbers is a
// header), or a JSON array of rows. The model's first input is fed as a float32 tensor
// [rows, columns]. Prints one JSON object on stdout:
//   {"inputs":["input"],"outputs":{"output":{"dims":[N,K],"data":[...row-major...]}}}
// Exit status: 0 success, 1 bad arguments or input, 2 ONNX Runtime refused or failed the model.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(code, message) {
    process.stderr.write(`run.js: ${message}\n`);
    process.exit(code);
}

function readRows(file) {
    const text = fs.readFileSync(file, 'utf8');
    if (path.extname(file).toLowerCase() === '.json')
        return JSON.parse(text);
    const rows = [];
    let first = true;
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '')
            continue;
        const fields = line.split(',').map((f) => f.trim());
        const values = fields.map(Number);
        const numeric = fields.every((f, i) => f !== '' && Number.isFinite(values[i]));
        if (first && !numeric) {
            first = false;
            continue; // header
        }
        first = false;
        if (!numeric)
            throw new Error(`${file}: row ${rows.length + 1}: not all numbers: ${line}`);
        rows.push(values);
    }
    return rows;
}

async function main() {
    const [modelFile, inputFile] = process.argv.slice(2);
    if (!modelFile || !inputFile)
        fail(1, 'usage: node run.js MODEL.onnx INPUT.(csv|json)');

    let rows;
    try {
        rows = readRows(inputFile);
    } catch (e) {
        fail(1, e.message);
    }
    if (!Array.isArray(rows) || rows.length === 0)
        fail(1, `${inputFile}: no samples`);
    const columns = rows[0].length;
    if (rows.some((r) => r.length !== columns))
        fail(1, `${inputFile}: rows of different lengths`);

    let ort;
    try {
        ort = require('onnxruntime-node');
    } catch (e) {
        fail(2, `onnxruntime-node is not installed (npm ci --ignore-scripts in ${__dirname}): ${e.message}`);
    }

    try {
        const session = await ort.InferenceSession.create(modelFile);
        const data = Float32Array.from(rows.flat());
        const feeds = {};
        feeds[session.inputNames[0]] = new ort.Tensor('float32', data, [rows.length, columns]);
        const results = await session.run(feeds);
        const outputs = {};
        for (const name of session.outputNames) {
            const t = results[name];
            outputs[name] = { dims: Array.from(t.dims), data: Array.from(t.data) };
        }
        process.stdout.write(JSON.stringify({ inputs: session.inputNames, outputs }) + '\n');
    } catch (e) {
        fail(2, `${modelFile}: ${e.message}`);
    }
}

main();
