#!/usr/bin/env python3
"""Writes the generated seeds of tests/fuzz/corpus/ (docs/fuzzing.md): small IDX arrays (plain
and gzip), small CSV and time-series files, and - given the fuzz build's make_onnx_seeds - ONNX
models exported from examples. The other seeds are copies of resources/ files.

usage: /usr/bin/python3 tests/fuzz/make_seeds.py [--onnx-seeds build-fuzz/tests/fuzz/make_onnx_seeds]
"""
import argparse
import gzip
import os
import struct
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

# IDX type byte -> struct format of one big-endian value
IDX_TYPES = {0x08: "B", 0x09: "b", 0x0B: "h", 0x0C: "i", 0x0D: "f", 0x0E: "d"}


def idx_bytes(type_code, dims, values):
    header = bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    fmt = ">" + IDX_TYPES[type_code] * len(values)
    return header + struct.pack(fmt, *values)


def write(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def idx_seeds():
    images = idx_bytes(0x08, [3, 4, 4], [(i * 37) % 256 for i in range(48)])
    write("fuzz_idx", "images-u8-3x4x4.idx", images)
    write("fuzz_idx", "images-u8-3x4x4.idx.gz", gzip.compress(images, mtime=0))
    write("fuzz_idx", "labels-u8-3.idx", idx_bytes(0x08, [3], [0, 1, 2]))
    write("fuzz_idx", "images-rgb-2x2x2x3.idx", idx_bytes(0x08, [2, 2, 2, 3], list(range(24))))
    write("fuzz_idx", "i8-2x3.idx", idx_bytes(0x09, [2, 3], [-128, -1, 0, 1, 2, 127]))
    write("fuzz_idx", "i16-2x2.idx", idx_bytes(0x0B, [2, 2], [-300, 0, 300, 32767]))
    write("fuzz_idx", "i32-4.idx", idx_bytes(0x0C, [4], [-70000, 0, 1, 70000]))
    f32 = idx_bytes(0x0D, [2, 3], [0.0, 0.5, -1.5, 3.25, 1e-3, 255.0])
    write("fuzz_idx", "f32-2x3.idx", f32)
    write("fuzz_idx", "f32-2x3.idx.gz", gzip.compress(f32, mtime=0))
    write("fuzz_idx", "f64-3x1.idx", idx_bytes(0x0E, [3, 1], [0.25, -2.0, 1e10]))
    write("fuzz_idx", "empty-0x2.idx", idx_bytes(0x08, [0, 2], []))


def csv_seeds():
    write("fuzz_csv", "semicolon-decimal-comma.csv",
          b"x;y;label\n1,5;2;a\n-0,25;3,75;b\n4;NA;a\n")
    write("fuzz_csv", "quoted-tab.csv", b'"a, b"\t"say ""hi"""\tt\n1\t2\t0\n3\t4\t1\n')
    write("fuzz_csv", "no-header-regression.csv", b"0.1,0.2,0.3\n1e-3,2E2,-7\n5,6,7.5\n")
    series = "".join("2020-01-%02d,%.1f,%d\n" % (d, 3 + d % 7 * 0.5, d % 3) for d in range(1, 29))
    write("fuzz_timeseries", "daily-28.csv", ("date,temperature,weekday\n" + series).encode())
    with open(os.path.join(ROOT, "resources", "examples", "daily_temperature.csv"), "rb") as f:
        head = b"".join(f.readlines()[:120])
    write("fuzz_timeseries", "daily_temperature-head.csv", head)
    write("fuzz_timeseries", "tab-no-header.csv", b"1\t2\n2\t3\n3\t5\n4\t7\n5\t11\n6\t13\n")


def onnx_seeds(tool):
    examples = os.path.join(ROOT, "resources", "examples")
    out = os.path.join(CORPUS, "fuzz_onnx")
    os.makedirs(out, exist_ok=True)
    # Examples without input scaling (an untrained scaled model has no statistics to export).
    projects = ["mlp_xor", "regression_plane", "rnn_first_bit", "spiral", "lstm_first_bit"]
    subprocess.run([tool, out] + [os.path.join(examples, p + ".json") for p in projects],
                   check=True, cwd=examples)


def handmade_onnx_seed():
    """A small model with NetCanvas's metadata keys, written with the onnx package, for when no
    fuzz build is at hand: the loader reads it up to the weights check."""
    import json
    try:
        import onnx
        from onnx import TensorProto, helper
    except ImportError:
        print("make_seeds.py: no onnx package (Debian: python3-onnx): handmade ONNX seed skipped")
        return

    with open(os.path.join(ROOT, "resources", "examples", "mlp_xor.json")) as f:
        project = json.load(f)
    project.pop("weights", None)
    dense = [n for n in project["nodes"] if n["type"] == "Dense"][0]
    weight = helper.make_tensor("W", TensorProto.FLOAT, [2, 2], [0.5, -0.5, 0.25, 1.0])
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])], "netcanvas",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, {
        "netcanvas.project": json.dumps(project),
        "netcanvas.context": json.dumps({"inputShape": [2], "numClasses": 0, "targetRows": 1}),
        "netcanvas.weights": json.dumps({"W": {"node": dense["id"], "param": "W"}}),
    })
    onnx.checker.check_model(model)
    write("fuzz_onnx", "handmade-metadata.onnx", model.SerializeToString())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onnx-seeds", help="the fuzz build's make_onnx_seeds, to write the ONNX seeds")
    args = parser.parse_args()
    idx_seeds()
    csv_seeds()
    handmade_onnx_seed()
    if args.onnx_seeds:
        onnx_seeds(os.path.abspath(args.onnx_seeds))


if __name__ == "__main__":
    main()
