#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets: tiny valid files of each format.

Run from anywhere: python3 tests/fuzz/make_corpus.py (rewrites tests/data/fuzz-corpus/).
Only the standard library: no numpy, no onnx.
"""
import hashlib
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "data", "fuzz-corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(shape, values, dtype="<f4", version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (dtype, shape[0], shape[1])
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    fmt = "<%d%s" % (len(values), "f" if dtype == "<f4" else "d")
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + struct.pack(fmt, *values)


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name in sorted(tensors):
        values = tensors[name]
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": [len(values)], "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text.encode() + data


# protobuf wire format, enough for a small ONNX ModelProto
def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def field(number, wire, payload):
    key = varint((number << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def s(number, text):
    return field(number, 2, text.encode())


def tensor(name, data_type, dims, floats=None, ints=None):
    out = b"".join(field(1, 0, d) for d in dims) + field(2, 0, data_type)
    if floats is not None:
        out += field(4, 2, struct.pack("<%df" % len(floats), *floats))
    if ints is not None:
        out += field(5, 2, b"".join(varint(i) for i in ints))
    return out + s(8, name)


def onnx_model():
    quantize = s(1, "input") + s(1, "scale") + s(1, "zero") + s(2, "q") + s(3, "quantize") + s(4, "QuantizeLinear")
    conv = b"".join(s(1, n) for n in ["q", "scale", "zero", "w", "ws", "wz", "scale", "zero"]) + s(2, "c") + \
        s(4, "QLinearConv") + field(5, 2, s(1, "group") + field(3, 0, 1) + field(20, 0, 2))
    graph = field(1, 2, quantize) + field(1, 2, conv) + s(2, "g")
    graph += field(5, 2, tensor("scale", 1, [], floats=[0.02]))
    graph += field(5, 2, tensor("zero", 2, [], ints=[128]))
    graph += field(5, 2, tensor("w", 3, [2, 1, 1, 1], ints=[1, 2]))
    graph += field(5, 2, tensor("ws", 1, [], floats=[0.5]))
    graph += field(5, 2, tensor("wz", 3, [], ints=[0]))
    return field(1, 0, 7) + field(7, 2, graph)


def main():
    put("ratings", "ml100k.data", "1\t10\t5\t881250949\n1\t20\t3\t881250950\n2\t10\t4\t881250951\n")
    put("ratings", "ml1m.dat", "1::10::5::978300760\n2::20::3::978302109\n")
    put("ratings", "ratings.csv", "userId,movieId,rating,timestamp\n1,10,3.5,100\n2,10,4.0,101\n")
    put("features_csv", "features.csv", "item_id,f1,f2\n10,0.5,1\n20,1e-3,-2\n")
    put("features_csv", "noheader.csv", "a,1,2,3\nb,4,5,6\n")
    put("features_npy", "f4.npy", npy((3, 2), [0.5, 1, 2, 3, -1, 0]))
    put("features_npy", "f8v2.npy", npy((3, 1), [1.5, 2.5, 3.5], dtype="<f8", version=2))
    put("safetensors", "two.safetensors", safetensors({"a": [1, 2, 3], "b": [4.5]}, {"format": "pt"}))
    parts = ["videohash", "fuzz dim=4 frames/sample=1", "weights", "uniform fps=1", "direct"]
    digest = hashlib.sha256("".join(p + "\x1f" for p in parts).encode()).hexdigest()  # StoreKey::digest()
    key_meta = {"key": digest, "video_sha256": "videohash", "model": "fuzz dim=4 frames/sample=1",
                "weights": "weights", "sampling": "uniform fps=1", "preprocessing": "direct", "frames": "3",
                "item": "10"}
    put("store_entry", "entry.safetensors",
        safetensors({"mean": [1, 2, 3, 4], "max": [2, 3, 4, 5], "std": [0, 0.5, 0.5, 1]}, key_meta))
    put("onnx", "tiny.onnx", onnx_model())
    project = {"format": "trailerlab-project", "version": 1, "name": "Fuzz", "ratings": "ratings.csv",
               "items": "movies.csv", "manifest": "manifest.csv", "models": ["mobilenetv2"], "fps": [1, 2],
               "k": "10:30:10", "split": "holdout:0.2", "seed": 42, "cache": "cache"}
    put("project", "project.json", json.dumps(project, indent=2))
    put("manifest", "manifest.csv", "item_id,video\n10,trailers/10.mp4\n\"20\",\"a, b.mp4\"\n")


if __name__ == "__main__":
    main()
