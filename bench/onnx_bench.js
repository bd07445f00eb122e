#!/usr/bin/env node
// ONNX Runtime baseline of netcanvas-bench's inference cases: times session.run on batches of
// uniform random rows, the model's input being float32 [batch, F] as NetCanvas exports it
// (engine/export/OnnxExport.h).
//
//   node onnx_bench.js MODEL.onnx [--features F] [--threads T] [--batch B] [--samples N]
//                                 [--runs R] [--warmup W] [--modules DIR]
//
// Prints one line "samples/s=MEDIAN best=BEST rates=R1,R2,..." (samples per second of each
// timed run of N samples), the format of the PyTorch baselines (torch_baseline.py).
// Exit status: 0 success, 1 bad arguments, 2 ONNX Runtime refused or failed the model,
// 3 onnxruntime-node is not installed (--modules, default ../tools/onnx-check/node_modules).
'use strict';

const path = require('path');

function fail(code, message) {
    process.stderr.write(`onnx_bench.js: ${message}\n`);
    process.exit(code);
}

function parseArgs(argv) {
    const options = {
        threads: 1,
        batch: 256,
        features: 784,
        samples: 16384,
        runs: 5,
        warmup: 2048,
        modules: path.join(__dirname, '..', 'tools', 'onnx-check', 'node_modules'),
    };
    let model = null;
    for (let i = 0; i < argv.length; ++i) {
        const key = argv[i];
        if (!key.startsWith('--')) {
            model = key;
            continue;
        }
        const name = key.slice(2);
        if (!(name in options) || i + 1 >= argv.length)
            fail(1, `${key}: unknown option or missing value`);
        const value = argv[++i];
        if (name === 'modules') {
            // Against the working folder, as a user typing the path means it (require() would
            // take a relative path against this script's folder).
            options.modules = path.resolve(value);
        } else {
            options[name] = Number(value);
            if (!Number.isInteger(options[name]) || options[name] < 1)
                fail(1, `${key}: expected a positive integer, got '${value}'`);
        }
    }
    if (!model)
        fail(1, 'usage: node onnx_bench.js MODEL.onnx [--threads T] [--batch B] ...');
    return { model, options };
}

function median(values) {
    const v = [...values].sort((a, b) => a - b);
    const n = v.length;
    return n % 2 ? v[(n - 1) / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

async function main() {
    const { model, options } = parseArgs(process.argv.slice(2));
    let ort;
    try {
        ort = require(path.join(options.modules, 'onnxruntime-node'));
    } catch (e) {
        fail(3, `onnxruntime-node is not installed in ${options.modules}: ${e.message}`);
    }

    try {
        const session = await ort.InferenceSession.create(model, {
            intraOpNumThreads: options.threads,
            interOpNumThreads: 1,
            executionMode: 'sequential',
            graphOptimizationLevel: 'all',
        });
        const inputName = session.inputNames[0];
        const features = options.features;
        const data = new Float32Array(options.batch * features);
        for (let i = 0; i < data.length; ++i)
            data[i] = Math.random();
        const feeds = { [inputName]: new ort.Tensor('float32', data, [options.batch, features]) };

        const infer = async (samples) => {
            let done = 0;
            while (done < samples) {
                await session.run(feeds);
                done += options.batch;
            }
            return done;
        };
        await infer(options.warmup);
        const rates = [];
        for (let r = 0; r < options.runs; ++r) {
            const start = process.hrtime.bigint();
            const done = await infer(options.samples);
            const seconds = Number(process.hrtime.bigint() - start) / 1e9;
            rates.push(done / seconds);
        }
        process.stdout.write(
            `samples/s=${median(rates).toFixed(0)} best=${Math.max(...rates).toFixed(0)} ` +
                `rates=${rates.map((r) => r.toFixed(1)).join(',')}\n`);
    } catch (e) {
        fail(2, `${model}: ${e.message}`);
    }
}

main();
