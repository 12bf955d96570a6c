#!/usr/bin/python3
"""What a Python user would write to read ECG files: numpy for WFDB format 16 (header parsed, samples
scaled to µV as float32), pydicom for DICOM waveforms (waveform_array applies the channel sensitivity).
Prints one JSON line: files read per second. Usage: load_bench.py wfdb|dicom FILE..."""
import json
import sys
import time

import numpy as np


def read_wfdb16(header_path):
    lines = [l for l in open(header_path) if l.strip() and not l.startswith("#")]
    record = lines[0].split()
    signals, samples = int(record[1]), int(record[3])
    gains, baselines = [], []
    for line in lines[1:1 + signals]:
        fields = line.split()
        gain = fields[2].split("/")[0]
        baseline = 0.0
        if "(" in gain:
            gain, baseline = gain.split("(")
            baseline = float(baseline.rstrip(")"))
        gains.append(float(gain))
        baselines.append(baseline)
    data_file = header_path.rsplit("/", 1)[0] + "/" + lines[1].split()[0]
    raw = np.fromfile(data_file, dtype="<i2", count=signals * samples).reshape(samples, signals)
    return ((raw - np.array(baselines)) / np.array(gains) * 1000.0).astype(np.float32).T  # mV -> µV


def read_dicom(path):
    import pydicom
    ds = pydicom.dcmread(path)
    return ds.waveform_array(0).astype(np.float32)


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    read = read_wfdb16 if kind == "wfdb" else read_dicom
    read(files[0])  # warm-up: imports
    start = time.perf_counter()
    for f in files:
        read(f)
    seconds = time.perf_counter() - start
    print(json.dumps({"files": len(files), "seconds": seconds, "files_per_s": len(files) / seconds}))


if __name__ == "__main__":
    main()
