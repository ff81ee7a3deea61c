"""NumPy reference implementation of orewatch's scenario Monte Carlo, for bench/scenario_mc.

Usage: python numpy_ref.py MODEL.toml --draws N --seed S --out summary.json

Reads the scenario TOML (tomllib) and evaluates the SAME model independently of orewatch:
- distributions as documented in crates/orewatch-core/src/scenario/dist.rs (normal, lognormal
  by mu/sigma or p5/p95, triangular, Beta-PERT with lambda 4, beta scaled to [min, max],
  uniform, bernoulli, discrete) with numpy's Generator (PCG64), truncation to lower/upper by
  redrawing the draws outside;
- rank correlations by Iman-Conover: normal scores (sorted standard-normal draws rather than
  van der Waerden scores — an independent choice with the same limit), Pearson target
  2 sin(pi rho_s / 6), Cholesky of the scores' actual and target correlation, each input's
  sorted draws placed in the rank order of its transformed score column;
- expressions translated to numpy (`^` -> `**`, ln/exp/sqrt/abs, min/max/clamp elementwise,
  if(c, a, b) -> where(c != 0, a, b), comparisons -> 1.0/0.0), variables in dependency order;
- per output: mean and the 5/50/95 percentiles (numpy's default linear interpolation), and
  P(output > threshold).
- data-linked inputs (`data = "…"`, the bundled scenarios) with `--links RESULT.json`: the
  distributions orewatch resolved from its store, read from the run's `data_links`
  of an orewatch `scenario run --out` file (point, normal, uniform, or a sum of independent
  triangular terms, one per event) and drawn here with numpy;
Prints the in-process time of sampling + correlation + evaluation + summaries (seconds).
Different random numbers from orewatch: results agree within Monte Carlo error only.
"""

import argparse
import json
import math
import re
import sys
import time
import tomllib

import numpy as np

Z95 = 1.6448536269514722


def sample(v, n, rng):
    d = v["dist"]
    if d == "normal":
        draw = lambda m: rng.normal(v["mean"], v["sd"], m)
    elif d == "lognormal":
        if "mu" in v:
            mu, sigma = v["mu"], v["sigma"]
        else:
            mu = (math.log(v["p5"]) + math.log(v["p95"])) / 2
            sigma = (math.log(v["p95"]) - math.log(v["p5"])) / (2 * Z95)
        draw = lambda m: rng.lognormal(mu, sigma, m)
    elif d == "triangular":
        draw = lambda m: rng.triangular(v["min"], v["mode"], v["max"], m)
    elif d == "pert":
        lo, mo, hi = v["min"], v["mode"], v["max"]
        a = 1 + 4 * (mo - lo) / (hi - lo)
        b = 1 + 4 * (hi - mo) / (hi - lo)
        draw = lambda m: lo + (hi - lo) * rng.beta(a, b, m)
    elif d == "beta":
        lo, hi = v.get("min", 0.0), v.get("max", 1.0)
        draw = lambda m: lo + (hi - lo) * rng.beta(v["alpha"], v["beta"], m)
    elif d == "uniform":
        draw = lambda m: rng.uniform(v["min"], v["max"], m)
    elif d == "bernoulli":
        draw = lambda m: (rng.random(m) < v["p"]).astype(float)
    elif d == "discrete":
        vals = np.array(v["values"], dtype=float)
        w = np.array(v.get("weights", [1.0] * len(vals)), dtype=float)
        draw = lambda m: rng.choice(vals, size=m, p=w / w.sum())
    else:
        raise SystemExit(f"unknown dist {d}")
    x = draw(n)
    lo, hi = v.get("lower", -np.inf), v.get("upper", np.inf)
    bad = (x < lo) | (x > hi)
    while bad.any():
        x[bad] = draw(int(bad.sum()))
        bad = (x < lo) | (x > hi)
    return x


def sample_link(dist, n, rng):
    """Draws from a data link's distribution as orewatch resolved it (links.rs, LinkDist)."""
    kind = dist["kind"]
    if kind == "point":
        return np.full(n, float(dist["value"]))
    if kind == "normal":
        return rng.normal(dist["mean"], dist["sd"], n)
    if kind == "uniform":
        return rng.uniform(dist["min"], dist["max"], n)
    if kind == "triangular_sum":
        x = np.zeros(n)
        for lo, mode, hi in dist["terms"]:
            x += mode if lo == hi else rng.triangular(lo, mode, hi, n)
        return x
    raise SystemExit(f"unknown link distribution {kind}")


def link_distributions(path):
    """{variable or link text: distribution} from an orewatch `scenario run --out` file (the
    run assessment: `data_links` = [{variable, link, dist, provenance}])."""
    with open(path) as f:
        run = json.load(f)
    out = {}
    for link in run.get("data_links", []):
        out[link["link"]] = link["dist"]
        out[link["variable"]] = link["dist"]
    return out


def iman_conover(cols, names, pairs, rng):
    k, n = len(names), len(cols[0])
    target = np.eye(k)
    for a, b, r in pairs:
        i, j = names.index(a), names.index(b)
        target[i, j] = target[j, i] = 2 * math.sin(math.pi * r / 6)
    p = np.linalg.cholesky(target)
    base = np.sort(rng.standard_normal(n))
    base = (base - base.mean()) / base.std()
    s = np.empty((n, k))
    for j in range(k):
        s[:, j] = rng.permutation(base)
    e = np.corrcoef(s, rowvar=False)
    q = np.linalg.cholesky(e)
    t = s @ np.linalg.inv(q).T @ p.T
    out = []
    for j in range(k):
        order = np.argsort(t[:, j])
        x = np.empty(n)
        x[order] = np.sort(cols[j])
        out.append(x)
    return out


FUNCS = {
    "ln": "np.log",
    "exp": "np.exp",
    "sqrt": "np.sqrt",
    "abs": "np.abs",
    "min": "_min",
    "max": "_max",
    "clamp": "_clamp",
    "if": "_if",
}


def translate(expr):
    py = expr.replace("^", "**").replace("×", "*").replace("÷", "/")
    return re.sub(r"\b(ln|exp|sqrt|abs|min|max|clamp|if)\s*\(", lambda m: FUNCS[m.group(1)] + "(", py)


def _min(*a):
    return np.minimum.reduce(np.broadcast_arrays(*a))


def _max(*a):
    return np.maximum.reduce(np.broadcast_arrays(*a))


def _clamp(x, lo, hi):
    return np.minimum(np.maximum(x, lo), hi)


def _if(c, a, b):
    return np.where(np.asarray(c) != 0, a, b)


def evaluate(expr, env, n):
    x = eval(translate(expr), {"np": np, "_min": _min, "_max": _max, "_clamp": _clamp, "_if": _if}, env)
    return np.broadcast_to(np.asarray(x, dtype=float), (n,)).astype(float)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--links", help="an orewatch `scenario run --out` JSON with the resolved data links")
    a = ap.parse_args()
    with open(a.model, "rb") as f:
        m = tomllib.load(f)
    links = link_distributions(a.links) if a.links else {}
    n = a.draws
    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    env = {"duration": float(m["scenario"]["duration_years"])}
    variables = m.get("variables", {})
    for name in sorted(variables):
        v = variables[name]
        if "dist" in v:
            env[name] = sample(v, n, rng)
        elif "data" in v:
            dist = links.get(name) or links.get(v["data"])
            if dist is None:
                raise SystemExit(f"data link of `{name}` not resolved: pass --links with orewatch's output")
            env[name] = sample_link(dist, n, rng)
    pairs = [(c["a"], c["b"], c["rank"]) for c in m.get("correlations", [])]
    if pairs:
        names = []
        for x, y, _ in pairs:
            for nm in (x, y):
                if nm not in names:
                    names.append(nm)
        cols = iman_conover([env[nm] for nm in names], names, pairs, rng)
        env.update(zip(names, cols))
    pending = {k: v["expr"] for k, v in variables.items() if "expr" in v}
    while pending:
        ready = [k for k, e in pending.items() if all(w in env or w in FUNCS for w in re.findall(r"[A-Za-z_]\w*", e))]
        if not ready:
            raise SystemExit(f"cannot order {sorted(pending)}")
        for k in ready:
            env[k] = evaluate(pending.pop(k), env, n)
    summary = {}
    for name, o in m.get("outputs", {}).items():
        x = evaluate(o["expr"], env, n)
        qs = np.percentile(x, [5, 50, 95, 4.5, 5.5, 49.5, 50.5, 94.5, 95.5])
        p5, p50, p95 = qs[:3]
        # Inverse density at each percentile (for the tolerance): spacing of nearby percentiles.
        dq = {q: float(qs[3 + 2 * i + 1] - qs[3 + 2 * i]) / 0.01 for i, q in enumerate((5, 50, 95))}
        summary[name] = {
            "mean": float(x.mean()),
            "sd": float(x.std(ddof=1)),
            "p5": float(p5),
            "median": float(p50),
            "p95": float(p95),
            "inverse_density": {str(k): v for k, v in dq.items()},
            "above": [[t, float((x > t).mean())] for t in o.get("thresholds", [])],
        }
    elapsed = time.perf_counter() - t0
    with open(a.out, "w") as f:
        json.dump({"seconds": elapsed, "draws": n, "outputs": summary}, f, indent=1)
    print(f"numpy: {elapsed:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
