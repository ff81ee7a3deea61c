//! Gradient-boosted regression trees for a binary outcome (logistic loss): the occurrence part
//! P(y > 0) of a hurdle model with `boost` set.
//!
//! What it answers: the log-odds F(x) of an event given a feature row x, as a sum of shallow
//! trees, so that interactions (e.g. "no death in the cell but deaths one cell away last month")
//! can matter without being written as features.
//!
//! Method (second-order boosting as in XGBoost, Chen & Guestrin 2016, without its sampling
//! tricks): F starts at an offset per row (the log-odds of the weighted base rate, or a given
//! linear predictor); each round computes gᵢ = wᵢ(pᵢ − yᵢ) and hᵢ = wᵢ pᵢ(1 − pᵢ), grows one
//! tree depth-wise to `depth` levels choosing at each node the split "x_j ≤ threshold" that
//! maximises ½[G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)] over histogram bins (thresholds
//! at quantiles of each column, at most `bins` per column), with both children's H ≥
//! `min_child_weight`; a leaf's value is −G/(H + λ), added times `shrinkage`. Rows carry weights
//! (the hurdle keeps every positive and a deterministic share of negatives, weighted back up).
//! Single-threaded and free of randomness: the same rows give the same trees.
//!
//! What it does NOT do: missing values, column or row sampling, early stopping, multi-class.

use serde::{Deserialize, Serialize};

use super::fit::sigmoid;

/// Hyper-parameters of the boosted occurrence model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoostParams {
    pub rounds: usize,
    /// Levels of each tree (1 = a stump).
    pub depth: usize,
    /// Learning rate on each tree's leaf values.
    pub shrinkage: f64,
    /// L2 penalty λ on leaf values.
    pub lambda: f64,
    /// Smallest Σ hessian (weighted) allowed in a child.
    pub min_child_weight: f64,
    /// Largest number of histogram bins per column (≤ 256).
    pub bins: usize,
    /// Share of negative rows kept for training (each weighted 1 / share); 1 keeps all.
    pub negative_share: f64,
}

impl Default for BoostParams {
    fn default() -> Self {
        BoostParams {
            rounds: 200,
            depth: 3,
            shrinkage: 0.1,
            lambda: 1.0,
            min_child_weight: 1.0,
            bins: 64,
            negative_share: 0.2,
        }
    }
}

/// A node: a split (`feature` ≤ `threshold` goes to `left`, else `left + 1`) or a leaf.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
    },
    Leaf(f64),
}

/// A fitted ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct Boosted {
    /// Constant added to every prediction (base log-odds when no offset was given).
    pub base: f64,
    trees: Vec<Vec<Node>>,
}

/// Quantile thresholds of each selected column: bin(x) = number of thresholds < x.
#[derive(Debug, Clone)]
pub struct Bins {
    pub columns: Vec<usize>,
    pub thresholds: Vec<Vec<f64>>,
}

impl Bins {
    /// Thresholds of `columns` of the row-major matrix `x` (`width` columns): the column's
    /// distinct values but the largest, or, when there are `bins` or more of them, `bins` − 1
    /// of them evenly spaced in rank (the smallest included).
    pub fn fit(x: &[f64], width: usize, columns: &[usize], bins: usize) -> Bins {
        let bins = bins.clamp(2, 256);
        let thresholds = columns
            .iter()
            .map(|&c| {
                let mut v: Vec<f64> = x.chunks_exact(width).map(|r| r[c]).collect();
                v.sort_unstable_by(f64::total_cmp);
                v.dedup();
                // Every distinct value but the largest when few; else quantiles of the
                // distinct values (not of the rows: most features are 0 on most rows).
                let Some(_) = v.pop() else {
                    return Vec::new();
                };
                if v.len() < bins {
                    return v;
                }
                let mut t: Vec<f64> = (0..bins - 1).map(|i| v[i * v.len() / (bins - 1)]).collect();
                t.dedup();
                t
            })
            .collect();
        Bins {
            columns: columns.to_vec(),
            thresholds,
        }
    }

    /// Bin codes of one raw row, one per selected column.
    pub fn code(&self, row: &[f64], out: &mut Vec<u8>) {
        out.clear();
        for (t, &c) in self.thresholds.iter().zip(&self.columns) {
            out.push(t.partition_point(|&v| v < row[c]) as u8);
        }
    }
}

impl Boosted {
    /// Fits on the rows `index` of the binned matrix `codes` (row-major, one code per column of
    /// `bins`), with outcomes `y`, weights `w` and offsets (log-odds) `offset` (all indexed like
    /// `index`; None: the weighted base rate for every row).
    pub fn fit(
        bins: &Bins,
        codes: &[u8],
        index: &[usize],
        y: &[bool],
        w: &[f64],
        offset: Option<&[f64]>,
        params: &BoostParams,
    ) -> Boosted {
        let k = bins.columns.len();
        let n = index.len();
        let (wy, ws) = y.iter().zip(w).fold((0.0, 0.0), |(a, b), (&yi, &wi)| {
            (a + wi * yi as u8 as f64, b + wi)
        });
        let rate = ((wy + 0.5) / (ws + 1.0)).clamp(1e-9, 1.0 - 1e-9);
        let base = if offset.is_some() {
            0.0
        } else {
            (rate / (1.0 - rate)).ln()
        };
        let mut f: Vec<f64> = match offset {
            Some(o) => o.to_vec(),
            None => vec![base; n],
        };
        let mut g = vec![0.0; n];
        let mut h = vec![0.0; n];
        let mut node_of = vec![0usize; n];
        let mut trees = Vec::with_capacity(params.rounds);
        for _ in 0..params.rounds {
            for i in 0..n {
                let p = sigmoid(f[i]);
                g[i] = w[i] * (p - y[i] as u8 as f64);
                h[i] = w[i] * p * (1.0 - p);
            }
            let mut tree = vec![Node::Leaf(0.0)];
            // The bin of each split node (its rows with code ≤ bin go left).
            let mut split_bin: Vec<usize> = vec![0];
            node_of.iter_mut().for_each(|v| *v = 0);
            // Nodes open at the current level, by position in `tree`.
            let mut open: Vec<usize> = vec![0];
            for _level in 0..params.depth.max(1) {
                // Histograms [open node][column][bin] of (G, H).
                let slot = |node: usize| open.iter().position(|&o| o == node);
                let width: Vec<usize> = bins.thresholds.iter().map(|t| t.len() + 1).collect();
                let offsets: Vec<usize> = width
                    .iter()
                    .scan(0, |acc, &b| {
                        let o = *acc;
                        *acc += b;
                        Some(o)
                    })
                    .collect();
                let per_node: usize = width.iter().sum();
                let mut hist = vec![(0.0f64, 0.0f64); per_node * open.len()];
                let slots: Vec<Option<usize>> = (0..tree.len()).map(slot).collect();
                for (i, &row) in index.iter().enumerate() {
                    let Some(s) = slots[node_of[i]] else { continue };
                    let code = &codes[row * k..(row + 1) * k];
                    let base_slot = s * per_node;
                    for j in 0..k {
                        let cell = &mut hist[base_slot + offsets[j] + code[j] as usize];
                        cell.0 += g[i];
                        cell.1 += h[i];
                    }
                }
                let mut next_open = Vec::new();
                for (s, &node) in open.iter().enumerate() {
                    let node_hist = &hist[s * per_node..(s + 1) * per_node];
                    let (gt, ht) = node_hist[..width[0]]
                        .iter()
                        .fold((0.0, 0.0), |(a, b), c| (a + c.0, b + c.1));
                    let score = |g: f64, h: f64| g * g / (h + params.lambda);
                    let parent = score(gt, ht);
                    let mut best: Option<(f64, usize, usize)> = None;
                    for j in 0..k {
                        let cells = &node_hist[offsets[j]..offsets[j] + width[j]];
                        let (mut gl, mut hl) = (0.0, 0.0);
                        for (b, c) in cells.iter().enumerate().take(width[j] - 1) {
                            gl += c.0;
                            hl += c.1;
                            let (gr, hr) = (gt - gl, ht - hl);
                            if hl < params.min_child_weight || hr < params.min_child_weight {
                                continue;
                            }
                            let gain = 0.5 * (score(gl, hl) + score(gr, hr) - parent);
                            if gain > 1e-12 && best.is_none_or(|(bg, _, _)| gain > bg) {
                                best = Some((gain, j, b));
                            }
                        }
                    }
                    let leaf = -gt / (ht + params.lambda);
                    match best {
                        Some((_, j, b)) => {
                            let left = tree.len();
                            tree.push(Node::Leaf(leaf));
                            tree.push(Node::Leaf(leaf));
                            split_bin.extend([0, 0]);
                            split_bin[node] = b;
                            tree[node] = Node::Split {
                                feature: j,
                                threshold: bins.thresholds[j][b],
                                left,
                            };
                            next_open.extend([left, left + 1]);
                        }
                        None => tree[node] = Node::Leaf(leaf),
                    }
                }
                // Route the rows of split nodes to their children.
                for (i, &row) in index.iter().enumerate() {
                    let node = node_of[i];
                    if let Node::Split { feature, left, .. } = tree[node] {
                        let code = codes[row * k + feature] as usize;
                        node_of[i] = if code <= split_bin[node] {
                            left
                        } else {
                            left + 1
                        };
                    }
                }
                open = next_open;
                if open.is_empty() {
                    break;
                }
            }
            // Every row now sits in a leaf; leaf values from their rows.
            let mut sums = vec![(0.0f64, 0.0f64); tree.len()];
            for i in 0..n {
                sums[node_of[i]].0 += g[i];
                sums[node_of[i]].1 += h[i];
            }
            for (node, &(gs, hs)) in tree.iter_mut().zip(&sums) {
                if let Node::Leaf(v) = node {
                    if hs > 0.0 {
                        *v = -gs / (hs + params.lambda);
                    }
                    *v *= params.shrinkage;
                }
            }
            // Map selected-column positions to raw columns for prediction.
            for node in tree.iter_mut() {
                if let Node::Split { feature, .. } = node {
                    *feature = bins.columns[*feature];
                }
            }
            for i in 0..n {
                if let Node::Leaf(v) = tree[node_of[i]] {
                    f[i] += v;
                }
            }
            trees.push(tree);
        }
        Boosted { base, trees }
    }

    /// The ensemble's log-odds for a raw feature row (without any offset given at fit).
    pub fn logit(&self, row: &[f64]) -> f64 {
        self.base
            + self
                .trees
                .iter()
                .map(|t| leaf_value(t, |c| row[c]))
                .sum::<f64>()
    }

    pub fn probability(&self, row: &[f64]) -> f64 {
        sigmoid(self.logit(row))
    }

    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }
}

fn leaf_value(tree: &[Node], value: impl Fn(usize) -> f64) -> f64 {
    let mut i = 0;
    loop {
        match tree[i] {
            Node::Leaf(v) => return v,
            Node::Split {
                feature,
                threshold,
                left,
            } => {
                i = if value(feature) <= threshold {
                    left
                } else {
                    left + 1
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::forecast::fit::{logistic, Design};

    /// Mean log-loss of probabilities `p` against `y`.
    fn log_loss(p: &[f64], y: &[bool]) -> f64 {
        p.iter()
            .zip(y)
            .map(|(&p, &y)| -(if y { p } else { 1.0 - p }).ln())
            .sum::<f64>()
            / p.len() as f64
    }

    /// XOR-like world: x1, x2 on a 10 × 10 grid in [0, 1)², 10 copies of each point; the
    /// share of positive copies by quadrant (x1 ≥ 0.5, x2 ≥ 0.5): (no, no) 1/10, (no, yes)
    /// 9/10, (yes, no) 8/10, (yes, yes) 2/10. The best possible log-loss is the mean entropy
    /// (2·H(0.1) + 2·H(0.2))/4 = 0.412743; the logistic MLE (linear log-odds; reference: a
    /// Newton solve in plain Python, β = (−0.27396, 0, 0.60880)) reaches only 0.689351.
    /// x1 alone is worthless at the root (50% either side): a greedy tree must split on x2
    /// first and find x1 below it.
    fn xor_world() -> (Vec<f64>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for copy in 0..10 {
            for i in 0..10 {
                for j in 0..10 {
                    let (a, b) = (i as f64 / 10.0, j as f64 / 10.0);
                    let positives = match (a >= 0.5, b >= 0.5) {
                        (false, false) => 1,
                        (false, true) => 9,
                        (true, false) => 8,
                        (true, true) => 2,
                    };
                    x.extend([a, b]);
                    y.push(copy < positives);
                }
            }
        }
        (x, y)
    }

    fn fit_all(x: &[f64], y: &[bool], params: &BoostParams) -> (Bins, Boosted) {
        let bins = Bins::fit(x, 2, &[0, 1], params.bins);
        let mut codes = Vec::new();
        let mut buf = Vec::new();
        for row in x.chunks_exact(2) {
            bins.code(row, &mut buf);
            codes.extend_from_slice(&buf);
        }
        let index: Vec<usize> = (0..y.len()).collect();
        let w = vec![1.0; y.len()];
        let model = Boosted::fit(&bins, &codes, &index, y, &w, None, params);
        (bins, model)
    }

    #[test]
    fn trees_find_an_interaction_a_logistic_cannot() {
        let (x, y) = xor_world();
        assert_eq!(y.iter().filter(|&&v| v).count(), 500);
        let entropy = |p: f64| -(p * p.ln() + (1.0 - p) * (1.0 - p).ln());
        let params = BoostParams {
            rounds: 100,
            depth: 2,
            shrinkage: 0.3,
            lambda: 1.0,
            min_child_weight: 1.0,
            bins: 16,
            negative_share: 1.0,
        };
        let (_, model) = fit_all(&x, &y, &params);
        let p: Vec<f64> = x.chunks_exact(2).map(|r| model.probability(r)).collect();
        let best = (2.0 * entropy(0.1) + 2.0 * entropy(0.2)) / 4.0;
        assert!((best - 0.412743).abs() < 1e-6);
        let trees = log_loss(&p, &y);
        assert!(trees < best + 0.005, "trees {trees} vs best {best}");
        // Each quadrant's probability close to its rate.
        assert!((model.probability(&[0.2, 0.7]) - 0.9).abs() < 0.02);
        assert!((model.probability(&[0.7, 0.2]) - 0.8).abs() < 0.02);
        assert!((model.probability(&[0.7, 0.7]) - 0.2).abs() < 0.02);
        assert!((model.probability(&[0.2, 0.2]) - 0.1).abs() < 0.02);
        // A logistic regression on the same two features: the Python reference's optimum.
        let rows: Vec<f64> = x.chunks_exact(2).flat_map(|r| [1.0, r[0], r[1]]).collect();
        let beta = logistic(&Design { rows: &rows, k: 3 }, &y, 0.0, None);
        let pl: Vec<f64> = rows
            .chunks_exact(3)
            .map(|r| sigmoid(beta[0] + beta[1] * r[1] + beta[2] * r[2]))
            .collect();
        let linear = log_loss(&pl, &y);
        assert!((linear - 0.689351).abs() < 1e-5, "logistic {linear}");
        assert!(
            (beta[0] + 0.27396).abs() < 1e-4 && beta[1].abs() < 1e-6,
            "{beta:?}"
        );
        assert!((beta[2] - 0.60880).abs() < 1e-4, "{beta:?}");
    }

    #[test]
    fn stumps_match_the_hand_worked_newton_step() {
        // One binary feature; rows x = 0: 1 positive of 4, x = 1: 3 of 4; base log-odds
        // ln((4 + 0.5) / (8 + 1) / (1 − 0.5)) = 0 (p = 0.5). One stump, λ = 1, shrinkage 1:
        // left (x = 0): G = 4·0.5 − 1 = 1, H = 4·0.25 = 1 → −1/2; right: G = −1, H = 1 → +1/2.
        let x = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let y = [true, false, false, false, true, true, true, false];
        let params = BoostParams {
            rounds: 1,
            depth: 1,
            shrinkage: 1.0,
            lambda: 1.0,
            min_child_weight: 0.5,
            bins: 4,
            negative_share: 1.0,
        };
        let bins = Bins::fit(&x, 1, &[0], 4);
        assert_eq!(bins.thresholds, vec![vec![0.0]]);
        let codes: Vec<u8> = x.iter().map(|&v| (v > 0.0) as u8).collect();
        let index: Vec<usize> = (0..8).collect();
        let model = Boosted::fit(&bins, &codes, &index, &y, &[1.0; 8], None, &params);
        assert_eq!(model.base, 0.0);
        assert!((model.logit(&[0.0]) + 0.5).abs() < 1e-12);
        assert!((model.logit(&[1.0]) - 0.5).abs() < 1e-12);
        // Weights count as repeated rows: weight 2 on every row doubles G and H:
        // left −2/(2 + 1) = −2/3.
        let model = Boosted::fit(&bins, &codes, &index, &y, &[2.0; 8], None, &params);
        assert!((model.logit(&[0.0]) + 2.0 / 3.0).abs() < 1e-12);
        // An offset replaces the base rate: offsets 0 give the same stump without a base.
        let model = Boosted::fit(
            &bins,
            &codes,
            &index,
            &y,
            &[1.0; 8],
            Some(&[0.0; 8]),
            &params,
        );
        assert!((model.logit(&[1.0]) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn fits_are_deterministic() {
        let (x, y) = xor_world();
        let params = BoostParams {
            rounds: 20,
            ..BoostParams::default()
        };
        let (_, a) = fit_all(&x, &y, &params);
        let (_, b) = fit_all(&x, &y, &params);
        assert_eq!(a, b);
        assert_eq!(a.n_trees(), 20);
    }
}
