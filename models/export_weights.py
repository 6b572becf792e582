#!/usr/bin/env python3
"""Export CNN weights for TrailerLab in a format not tied to any LibTorch version.

On a machine with torchvision and its ImageNet weights (they download once into
~/.cache/torch):

    python3 models/export_weights.py vgg11 vgg16 vgg19 --out weights/
    python3 models/export_weights.py r3d_18 --out weights/       # TorchScript, clip model

writes weights/vgg19.safetensors (the `features.*` tensors of torchvision's
state_dict, names unchanged) and, for r3d_18, weights/r3d_18.pt (TorchScript whose
forward returns the 512-d pooled clip feature). Then:

    trailerlab-cli extract --model vgg19 --weights weights/vgg19.safetensors ...
    trailerlab-cli extract --model torchscript:weights/r3d_18.pt ...

safetensors is written by hand (8-byte little-endian header length, JSON header,
raw little-endian data) when the `safetensors` package is absent, so only torch is
needed. --random SEED exports a VGG-shaped state_dict with seeded random weights
instead (no torchvision needed: used by TrailerLab's round-trip test); with
--reference FILE it also writes a fixed input and the network's output on it.
"""

import argparse
import json
import struct
import sys

import torch
import torch.nn as nn

VGG_CONFIGS = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "vgg19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
              512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
          torch.int64: "I64", torch.int32: "I32", torch.int8: "I8", torch.uint8: "U8"}


def save_safetensors(tensors, path, metadata=None):
    """Writes {name: tensor} as safetensors, by hand (same layout as the reference library)."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def vgg_features(name):
    """torchvision's VGG `features` block, layer for layer (same state_dict names)."""
    layers, channels = [], 3
    for v in VGG_CONFIGS[name]:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
            channels = v
    model = nn.Module()
    model.features = nn.Sequential(*layers)
    return model


def random_vgg(name, seed):
    torch.manual_seed(seed)
    model = vgg_features(name)
    for m in model.modules():  # torchvision's init
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.constant_(m.bias, 0)
    return model.eval()


def features_state_dict(model):
    return {k: v for k, v in model.state_dict().items() if k.startswith("features.")}


def export_torchvision_vgg(name, out_dir):
    import torchvision
    weights = torchvision.models.get_model_weights(name).IMAGENET1K_V1
    model = torchvision.models.get_model(name, weights=weights).eval()
    path = f"{out_dir}/{name}.safetensors"
    save_safetensors(features_state_dict(model), path,
                     {"model": name, "source": f"torchvision {torchvision.__version__} {weights}"})
    print(f"wrote {path}")


def export_r3d_18(out_dir):
    import torchvision
    weights = torchvision.models.video.R3D_18_Weights.KINETICS400_V1
    model = torchvision.models.video.r3d_18(weights=weights).eval()
    model.fc = nn.Identity()  # forward returns the 512-d pooled clip feature
    example = torch.zeros(1, 3, 16, 112, 112)
    traced = torch.jit.trace(model, example)
    path = f"{out_dir}/r3d_18.pt"
    traced.save(path)
    print(f"wrote {path} (input [N,3,T,112,112]; note: Kinetics normalisation differs from ImageNet's)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", choices=["vgg11", "vgg16", "vgg19", "r3d_18"])
    parser.add_argument("--out", default=".", help="output folder")
    parser.add_argument("--random", type=int, metavar="SEED",
                        help="export seeded random VGG weights (no torchvision needed)")
    parser.add_argument("--reference", metavar="FILE",
                        help="with --random: also write a fixed input and the features it gives")
    parser.add_argument("--batch", type=int, default=1, help="frames in the reference input")
    args = parser.parse_args()

    torch.set_num_threads(max(1, torch.get_num_threads()))
    for name in args.models:
        if args.random is not None:
            if name == "r3d_18":
                sys.exit("--random applies to VGG models only")
            model = random_vgg(name, args.random)
            path = f"{args.out}/{name}.safetensors"
            save_safetensors(features_state_dict(model), path, {"model": name, "source": f"random seed {args.random}"})
            print(f"wrote {path}")
            if args.reference:
                gen = torch.Generator().manual_seed(args.random + 1)
                x = torch.randn(args.batch, 3, 224, 224, generator=gen)
                with torch.no_grad():
                    y = model.features(x).flatten(1)
                save_safetensors({"input": x, "output": y}, args.reference)
                print(f"wrote {args.reference}")
        elif name == "r3d_18":
            export_r3d_18(args.out)
        else:
            export_torchvision_vgg(name, args.out)


if __name__ == "__main__":
    main()
