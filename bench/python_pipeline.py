#!/usr/bin/python3
"""The pipeline a researcher would otherwise write, as the anchor for EcgScope's folder classification:
numpy reads each WFDB record (format 16), scipy.signal.resample_poly and filtfilt preprocess it as the
model's input contract says (Debian's python3-scipy), and PyTorch (python3-torch) classifies batches of 32
with the same weights (the bundled model's model.pt, loaded with torch.jit). Prints one JSON line:
records per second end to end, and the classes it decided, for agreement with EcgScope.
Usage: python_pipeline.py --threads T MODEL_DIR HEADER...
"""
import argparse
import json
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch
from scipy import signal

sys.path.insert(0, str(Path(__file__).parent))
from pytorch_bench import ResNet1d  # noqa: E402  the same network definition


def read_wfdb(header):
    """Samples in µV, leads x samples, the rate and the lead names of a format-16 WFDB record."""
    lines = [l for l in Path(header).read_text().splitlines() if l and not l.startswith("#")]
    name, count, rate, samples = lines[0].split()[:4]
    specs = [l.split() for l in lines[1:1 + int(count)]]
    raw = np.fromfile(Path(header).with_name(specs[0][0]), dtype="<i2").reshape(int(samples), int(count)).T
    gains = np.array([float(s[2].split("(")[0].split("/")[0]) for s in specs])
    baselines = np.array([float(s[2].split("(")[1].split(")")[0]) if "(" in s[2] else float(s[4]) for s in specs])
    return (raw - baselines[:, None]) / gains[:, None] * 1000.0, float(rate), [s[8] if len(s) > 8 else "" for s in specs]


def prepare(x, rate, contract):
    ratio = Fraction(contract["sample_rate_hz"] / rate).limit_denominator(1000)
    y = signal.resample_poly(x, ratio.numerator, ratio.denominator, axis=1)
    fs = contract["sample_rate_hz"]
    for b, a in (signal.butter(2, contract["band_low_hz"], "highpass", fs=fs), signal.butter(2, contract["band_high_hz"], "lowpass", fs=fs)):
        y = signal.filtfilt(b, a, y, axis=1)
    y = y[:, :contract["samples"]]
    return ((y - y.mean(axis=1, keepdims=True)) / (y.std(axis=1, keepdims=True) + 1.0)).astype(np.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("model")
    p.add_argument("headers", nargs="+")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    card = json.loads((Path(a.model) / "model.json").read_text())
    contract, arch = card["input"], card["architecture"]
    scripted = torch.jit.load(str(Path(a.model) / card["stages"][0]["file"]))
    state = dict(scripted.named_parameters())
    state.update(dict(scripted.named_buffers()))
    net = ResNet1d(len(contract["leads"]), card["stages"][0]["outputs"], arch["width"], arch["depth"])
    net.load_state_dict(state)
    net.eval()
    start = time.perf_counter()
    decided, batch = [], []

    def flush():
        with torch.inference_mode():
            decided.extend(net(torch.from_numpy(np.stack(batch))).argmax(1).tolist())
        batch.clear()

    for h in a.headers:
        x, rate, _ = read_wfdb(h)
        batch.append(prepare(x, rate, contract))
        if len(batch) == a.batch:
            flush()
    if batch:
        flush()
    seconds = time.perf_counter() - start
    print(json.dumps({"records": len(a.headers), "seconds": seconds, "records_per_s": len(a.headers) / seconds, "threads": a.threads,
                      "decided": decided, "runtime": f"PyTorch {torch.__version__}, scipy {signal.__name__}"}))


if __name__ == "__main__":
    main()
