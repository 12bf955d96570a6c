#!/usr/bin/python3
"""The same networks as core/ml/nets.cpp, in PyTorch (Debian's python3-torch), measured like
`ecgscope-cli bench --net`: loads the weights, input and logits that command exported, checks that both
compute the same logits, then times batch-1 latency, batched throughput and training on the same batch.
Prints one JSON line. Usage: pytorch_bench.py --net resnet|inception --width W --depth D --threads T DIR
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, cin, cout, kernel, stride):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.Conv1d(cout, cout, kernel, padding=kernel // 2, bias=False)
        self.bn2 = nn.BatchNorm1d(cout)
        self.shortcut = None
        if cin != cout or stride != 1:
            self.shortcut = nn.Conv1d(cin, cout, 1, stride=stride, bias=False)
            self.bn_shortcut = nn.BatchNorm1d(cout)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = self.bn_shortcut(self.shortcut(x)) if self.shortcut is not None else x
        return F.relu(y + s)


class ResNet1d(nn.Module):
    def __init__(self, leads, classes, width, blocks):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv1d(leads, width, 15, stride=2, padding=7, bias=False), nn.BatchNorm1d(width), nn.ReLU(),
                                  nn.MaxPool1d(3, stride=2, padding=1))
        layers, cin = [], width
        for channels, stride in zip([width, width * 2, width * 2, width * 4], [1, 2, 2, 2]):
            for b in range(blocks):
                layers.append(ResBlock(cin, channels, 7, stride if b == 0 else 1))
                cin = channels
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin, classes)

    def forward(self, x):
        return self.head(self.body(self.stem(x)).mean(2))


class InceptionModule(nn.Module):
    def __init__(self, cin, filters, bottleneck):
        super().__init__()
        self.bottleneck = nn.Conv1d(cin, bottleneck, 1, bias=False)
        self.k1 = nn.Conv1d(bottleneck, filters, 9, padding=4, bias=False)
        self.k2 = nn.Conv1d(bottleneck, filters, 19, padding=9, bias=False)
        self.k3 = nn.Conv1d(bottleneck, filters, 39, padding=19, bias=False)
        self.pool_conv = nn.Conv1d(cin, filters, 1, bias=False)
        self.bn = nn.BatchNorm1d(4 * filters)

    def forward(self, x):
        b = self.bottleneck(x)
        pooled = self.pool_conv(F.max_pool1d(x, 3, stride=1, padding=1))
        return F.relu(self.bn(torch.cat([self.k1(b), self.k2(b), self.k3(b), pooled], 1)))


class Inception1d(nn.Module):
    def __init__(self, leads, classes, filters, modules):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv1d(leads, filters, 7, stride=2, padding=3, bias=False), nn.BatchNorm1d(filters), nn.ReLU())
        self.blocks, self.shortcuts = nn.ModuleList(), nn.ModuleList()
        cin = residual_in = filters
        for m in range(modules):
            self.blocks.append(InceptionModule(cin, filters, filters))
            cin = 4 * filters
            if m % 3 == 2:
                self.shortcuts.append(nn.Sequential(nn.Conv1d(residual_in, cin, 1, bias=False), nn.BatchNorm1d(cin)))
                residual_in = cin
        self.head = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.stem(x)
        residual = x
        for m, block in enumerate(self.blocks):
            x = block(x)
            if m % 3 == 2:
                x = F.relu(x + self.shortcuts[m // 3](residual))
                residual = x
        return self.head(x.mean(2))


def median_ms(repeats, work):
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def count_flops(net, x):
    """Multiply-adds x 2 of the convolutions and the linear layer for one forward pass of x."""
    total = [0]

    def conv(module, inputs, output):
        total[0] += 2 * output.numel() * (module.in_channels // module.groups) * module.kernel_size[0]

    def linear(module, inputs, output):
        total[0] += 2 * output.numel() * module.in_features

    hooks = [m.register_forward_hook(conv if isinstance(m, nn.Conv1d) else linear) for m in net.modules() if isinstance(m, (nn.Conv1d, nn.Linear))]
    with torch.inference_mode():
        net(x)
    for h in hooks:
        h.remove()
    return total[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", default="resnet")
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("dir")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    x = torch.load(f"{a.dir}/input.pt")
    expected = torch.load(f"{a.dir}/logits.pt")
    state = torch.load(f"{a.dir}/weights.pt")
    leads, classes = x.shape[1], expected.shape[1]
    net = ResNet1d(leads, classes, a.width, a.depth) if a.net == "resnet" else Inception1d(leads, classes, a.width, a.depth)
    net.load_state_dict(dict(state))
    net.eval()
    one = x[:1].contiguous()
    with torch.inference_mode():
        difference = (net(x) - expected).abs().max().item()
        latency = median_ms(a.repeats, lambda: net(one))
        batched = median_ms(max(3, a.repeats // 3), lambda: net(x)) / x.shape[0]
    flops = count_flops(net, one)
    torch.manual_seed(1234)
    labels = torch.randint(classes, (x.shape[0],))
    net.train()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    steps = []
    for i in range(a.steps + 1):
        start = time.perf_counter()
        optimizer.zero_grad()
        F.cross_entropy(net(x), labels).backward()
        optimizer.step()
        if i > 0:
            steps.append(time.perf_counter() - start)
    print(json.dumps({"net": a.net, "length": x.shape[2], "batch": x.shape[0], "latency_ms": latency, "batched_ms_per_ecg": batched,
                      "train_samples_per_s": x.shape[0] / statistics.median(steps), "flops_per_ecg": flops,
                      "max_abs_logit_difference": difference, "runtime": f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"}))


if __name__ == "__main__":
    main()
