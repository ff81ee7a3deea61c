#!/usr/bin/env python3
"""Reference values for orewatch's forecast scoring rules (analysis::forecast::score).

Writes crates/orewatch-core/tests/fixtures/forecast_score_reference.json, which
crates/orewatch-core/tests/integration/forecast_score.rs reads and compares to 1e-12 relative.

The values come from the peers, not from orewatch:
- CRPS: properscoring.crps_ensemble (its empirical-CDF integral equals the NRG form
  (1/m)Σ|xᵢ−y| − (1/2m²)ΣᵢΣⱼ|xᵢ−xⱼ|, i.e. NOT the "fair" estimator) and, as a cross-check,
  scoringrules.crps_ensemble(estimator="nrg"); the script stops if the two disagree.
- quantiles: numpy.quantile(method="linear") (Hyndman–Fan type 7).
- average precision: sklearn.metrics.average_precision_score.
- PIT: the non-randomised PIT histogram of Czado, Gneiting & Held (2009), written here from the
  paper's formula F(u) = 0 (u ≤ P), (u − P)/(Q − P) (P < u < Q), 1 (u ≥ Q), bin j = F(j/10) −
  F((j−1)/10) — a different computation from orewatch's interval-overlap one.

Run (the venv is scratch, never committed):
    python3 -m venv /tmp/venv-score
    /tmp/venv-score/bin/pip install properscoring scoringrules scikit-learn numpy scipy
    /tmp/venv-score/bin/python bench/forecast_score/reference.py
Deterministic: every random case comes from numpy.random.default_rng(20240505).
"""

import json
import math
import pathlib
import platform
import sys
from importlib.metadata import version

import numpy as np
import properscoring
import scoringrules
from sklearn.metrics import average_precision_score

OUT = (
    pathlib.Path(__file__).resolve().parents[2]
    / "crates/orewatch-core/tests/fixtures/forecast_score_reference.json"
)
QUANTILE_PS = [0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0]


def pit_czado(samples, y):
    """Non-randomised PIT histogram (10 bins) of one count forecast, Czado et al. (2009)."""
    s = np.asarray(samples, dtype=float)
    m = len(s)
    p = 0.0 if y == 0 else np.count_nonzero(s <= y - 1) / m
    q = np.count_nonzero(s <= y) / m
    out = [0.0] * 10
    if p == q:
        out[min(9, int(math.floor(10 * p)))] = 1.0
        return out

    def F(u):
        if u <= p:
            return 0.0
        if u >= q:
            return 1.0
        return (u - p) / (q - p)

    for j in range(10):
        out[j] = F((j + 1) / 10) - F(j / 10)
    return out


def crps_cases(rng):
    cases = []

    def add(name, samples, y):
        samples = [float(v) for v in samples]
        a = float(properscoring.crps_ensemble(y, np.array(samples)))
        b = float(scoringrules.crps_ensemble(y, np.array(samples), estimator="nrg"))
        if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-14):
            sys.exit(f"{name}: properscoring {a} != scoringrules nrg {b}")
        srt = np.sort(samples)
        cases.append(
            {
                "name": name,
                "samples": samples,
                "y": float(y),
                "crps": a,
                "quantiles": [float(np.quantile(srt, p, method="linear")) for p in QUANTILE_PS],
                "pit": pit_czado(samples, y) if float(y).is_integer() and y >= 0 else None,
            }
        )

    add("hand_0_1_3_y2", [0, 1, 3], 2.0)
    add("single_sample", [4], 1.0)
    add("all_equal_hit", [5] * 7, 5.0)
    add("all_equal_miss", [5] * 7, 0.0)
    add("all_zero_y0", [0] * 50, 0.0)
    add("all_zero_y3", [0] * 50, 3.0)
    add("ties_y_inside", [0, 0, 0, 1, 1, 3, 3, 3, 7], 3.0)
    add("y_below_all", [10, 12, 15, 15, 20], 2.0)
    add("y_above_all", [10, 12, 15, 15, 20], 40.0)
    # Zero-inflated negative binomial counts, as a fatalities forecast looks (m = 1,000).
    for k, (zero_share, n, p, y) in enumerate(
        [(0.95, 0.5, 0.05, 0.0), (0.9, 0.8, 0.1, 0.0), (0.8, 0.5, 0.02, 12.0),
         (0.7, 1.0, 0.05, 1.0), (0.98, 0.3, 0.01, 150.0), (0.5, 2.0, 0.1, 25.0)]
    ):
        draws = rng.negative_binomial(n, p, size=1000)
        draws[rng.random(1000) < zero_share] = 0
        add(f"zinb_{k}_y{int(y)}", draws, y)
    # Poisson counts, small ensembles.
    for k, (lam, m, y) in enumerate([(0.3, 20, 0.0), (4.0, 30, 4.0), (50.0, 100, 71.0)]):
        add(f"poisson_{k}", rng.poisson(lam, size=m), y)
    # Continuous draws (not counts): CRPS and quantiles only.
    for k, (m, y) in enumerate([(10, 0.3), (257, -1.7), (1000, 2.5)]):
        add(f"normal_{k}", rng.normal(0.0, 1.5, size=m), y)
    return cases


def ap_cases(rng):
    cases = []

    def add(name, scores, positive):
        scores = [float(v) for v in scores]
        positive = [bool(v) for v in positive]
        ap = float(average_precision_score(np.array(positive, dtype=int), np.array(scores)))
        cases.append({"name": name, "scores": scores, "positive": positive, "ap": ap})

    add("sklearn_doc_example", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    add("ties_mixed", [0.5, 0.5, 0.5, 0.2, 0.9, 0.2, 0.0], [1, 0, 1, 0, 1, 1, 0])
    add("all_tied", [0.3] * 6, [1, 0, 0, 1, 0, 0])
    add("perfect", [0.9, 0.8, 0.1, 0.05], [1, 1, 0, 0])
    add("worst", [0.9, 0.8, 0.1, 0.05], [0, 0, 1, 1])
    # Shares of 1,000 samples (many ties), as p_any looks.
    shares = rng.integers(0, 21, size=300) / 20.0
    positive = rng.random(300) < shares * 0.8
    add("shares_300", shares, positive)
    return cases


def main():
    rng = np.random.default_rng(20240505)
    doc = {
        "generated_by": "bench/forecast_score/reference.py",
        "python": platform.python_version(),
        "versions": {
            pkg: version(pkg) for pkg in ["numpy", "properscoring", "scoringrules", "scikit-learn"]
        },
        "quantile_ps": QUANTILE_PS,
        "crps": crps_cases(rng),
        "average_precision": ap_cases(rng),
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({len(doc['crps'])} CRPS cases, {len(doc['average_precision'])} AP cases)")


if __name__ == "__main__":
    main()
