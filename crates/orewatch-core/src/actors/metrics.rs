//! Network metrics of an actor graph: degree, weighted degree, betweenness, PageRank, Louvain
//! communities and their modularity.
//!
//! The graph is undirected, one edge per dyad, with weight w = events of the dyad.
//! - degree: number of distinct counterparts;
//! - weighted degree: sum of w over the node's edges (events with counterparts, counted once
//!   per counterpart);
//! - betweenness: Brandes' algorithm with Dijkstra, edge LENGTH = 1 / events (a dyad with many
//!   events is a short, strong tie), normalised as networkx does for undirected graphs:
//!   sum over pairs s≠t of σ_st(v)/σ_st, times 2 / ((n−1)(n−2)) (n ≤ 2: unscaled);
//! - PageRank: weights w, damping α = 0.85, uniform teleport, dangling (isolated) nodes spread
//!   uniformly, power iteration from 1/n until the L1 change is below n·tol (networkx's
//!   `pagerank`);
//! - communities: Louvain (Blondel et al. 2008) with resolution 1 on weights w, the node order
//!   shuffled by a seeded ChaCha8 generator (same seed, same partition), levels repeated while
//!   modularity rises by more than 1e-7; modularity Q = Σ_c [L_c/m − (d_c/2m)²] with L_c the
//!   weight inside community c, d_c its total weighted degree, m the total weight.
//!
//! Why hand-written: petgraph has no weighted betweenness, weighted PageRank or Louvain, and
//! rustworkx-core's centrality is unweighted; each function here is short and tested against
//! networkx on the same graphs (see `actors::tests`).
//!
//! What it does NOT do: directed measures, or read anything into community labels beyond "these
//! actors fight each other more than they fight others" — a community is not an alliance.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::graph::ActorGraph;

/// An undirected weighted graph on nodes 0..n (no parallel edges; self-loops allowed, stored
/// once in their node's list).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedGraph {
    adj: Vec<Vec<(usize, f64)>>,
}

impl WeightedGraph {
    /// `edges` as (u, v, weight); a repeated pair adds its weights.
    pub fn new(n: usize, edges: &[(usize, usize, f64)]) -> WeightedGraph {
        let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let add = |u: usize, v: usize, w: f64, adj: &mut Vec<Vec<(usize, f64)>>| match adj[u]
            .iter_mut()
            .find(|(x, _)| *x == v)
        {
            Some((_, old)) => *old += w,
            None => adj[u].push((v, w)),
        };
        for &(u, v, w) in edges {
            if u >= n || v >= n {
                continue;
            }
            add(u, v, w, &mut adj);
            if u != v {
                add(v, u, w, &mut adj);
            }
        }
        WeightedGraph { adj }
    }

    /// The dyad graph of an actor graph: weight = events.
    pub fn from_actor_graph(g: &ActorGraph) -> WeightedGraph {
        let edges: Vec<(usize, usize, f64)> = g
            .edges
            .iter()
            .map(|e| (e.a, e.b, e.events as f64))
            .collect();
        WeightedGraph::new(g.nodes.len(), &edges)
    }

    pub fn len(&self) -> usize {
        self.adj.len()
    }

    pub fn is_empty(&self) -> bool {
        self.adj.is_empty()
    }

    /// Distinct neighbours (a self-loop counts as networkx does: twice).
    pub fn degree(&self, u: usize) -> usize {
        self.adj[u]
            .iter()
            .map(|&(v, _)| if v == u { 2 } else { 1 })
            .sum()
    }

    /// Sum of incident weights (a self-loop twice).
    pub fn weighted_degree(&self, u: usize) -> f64 {
        self.adj[u]
            .iter()
            .map(|&(v, w)| if v == u { 2.0 * w } else { w })
            .sum()
    }

    /// Total edge weight m (each edge once).
    pub fn total_weight(&self) -> f64 {
        let mut m = 0.0;
        for (u, list) in self.adj.iter().enumerate() {
            for &(v, w) in list {
                if v >= u {
                    m += w;
                }
            }
        }
        m
    }
}

/// Heap entry of Dijkstra: smallest distance first, then insertion order (as networkx).
#[derive(Debug, PartialEq)]
struct Item {
    dist: f64,
    count: u64,
    pred: usize,
    node: usize,
}

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .total_cmp(&self.dist)
            .then_with(|| other.count.cmp(&self.count))
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Betweenness centrality with edge length `length(weight)`, normalised as networkx's
/// `betweenness_centrality(G, weight=…, normalized=True)` for undirected graphs.
pub fn betweenness(g: &WeightedGraph, length: impl Fn(f64) -> f64) -> Vec<f64> {
    let n = g.len();
    let mut bc = vec![0.0; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist: Vec<Option<f64>> = vec![None; n];
    let mut seen: Vec<Option<f64>> = vec![None; n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut delta = vec![0.0; n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut heap = BinaryHeap::new();
    for s in 0..n {
        sigma.iter_mut().for_each(|x| *x = 0.0);
        dist.iter_mut().for_each(|x| *x = None);
        seen.iter_mut().for_each(|x| *x = None);
        preds.iter_mut().for_each(Vec::clear);
        order.clear();
        let mut count = 0u64;
        sigma[s] = 1.0;
        seen[s] = Some(0.0);
        heap.push(Item {
            dist: 0.0,
            count,
            pred: s,
            node: s,
        });
        while let Some(Item {
            dist: d,
            pred,
            node: v,
            ..
        }) = heap.pop()
        {
            if dist[v].is_some() {
                continue;
            }
            if v != s {
                sigma[v] += sigma[pred];
            }
            order.push(v);
            dist[v] = Some(d);
            for &(w, weight) in &g.adj[v] {
                if w == v {
                    continue;
                }
                let vw = d + length(weight);
                if dist[w].is_none() && seen[w].is_none_or(|old| vw < old) {
                    seen[w] = Some(vw);
                    count += 1;
                    heap.push(Item {
                        dist: vw,
                        count,
                        pred: v,
                        node: w,
                    });
                    sigma[w] = 0.0;
                    preds[w].clear();
                    preds[w].push(v);
                } else if seen[w] == Some(vw) {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        for &v in &order {
            delta[v] = 0.0;
        }
        while let Some(w) = order.pop() {
            let coeff = (1.0 + delta[w]) / sigma[w];
            for &v in &preds[w] {
                delta[v] += sigma[v] * coeff;
            }
            if w != s {
                bc[w] += delta[w];
            }
        }
    }
    if n > 2 {
        let scale = 1.0 / ((n - 1) as f64 * (n - 2) as f64);
        bc.iter_mut().for_each(|x| *x *= scale);
    }
    bc
}

/// PageRank on weights (networkx `pagerank(G, alpha, weight=…, tol)`); returns the scores and
/// the iterations used, or None when it did not converge in `max_iter`.
pub fn pagerank(
    g: &WeightedGraph,
    alpha: f64,
    tol: f64,
    max_iter: usize,
) -> Option<(Vec<f64>, usize)> {
    let n = g.len();
    if n == 0 {
        return Some((Vec::new(), 0));
    }
    let nf = n as f64;
    let out_weight: Vec<f64> = (0..n)
        .map(|u| g.adj[u].iter().map(|&(_, w)| w).sum())
        .collect();
    let mut x = vec![1.0 / nf; n];
    let mut next = vec![0.0; n];
    for iter in 1..=max_iter {
        let dangling: f64 = (0..n).filter(|&u| out_weight[u] == 0.0).map(|u| x[u]).sum();
        next.iter_mut().for_each(|v| *v = 0.0);
        for u in 0..n {
            if out_weight[u] == 0.0 {
                continue;
            }
            let share = x[u] / out_weight[u];
            for &(v, w) in &g.adj[u] {
                next[v] += share * w;
            }
        }
        let mut err = 0.0;
        for v in 0..n {
            let value = alpha * (next[v] + dangling / nf) + (1.0 - alpha) / nf;
            err += (value - x[v]).abs();
            next[v] = value;
        }
        std::mem::swap(&mut x, &mut next);
        if err < nf * tol {
            return Some((x, iter));
        }
    }
    None
}

/// Modularity of a partition (community label per node), resolution 1.
pub fn modularity(g: &WeightedGraph, community: &[usize]) -> f64 {
    let m = g.total_weight();
    if m == 0.0 {
        return 0.0;
    }
    let k = community.iter().copied().max().map_or(0, |c| c + 1);
    let mut inner = vec![0.0; k];
    let mut degree = vec![0.0; k];
    for u in 0..g.len() {
        degree[community[u]] += g.weighted_degree(u);
        for &(v, w) in &g.adj[u] {
            if community[u] == community[v] && v >= u {
                inner[community[u]] += w;
            }
        }
    }
    (0..k)
        .map(|c| inner[c] / m - (degree[c] / (2.0 * m)).powi(2))
        .sum()
}

/// Louvain communities (seeded). Labels are numbered by community size (largest 0), ties by
/// smallest member.
pub fn louvain(g: &WeightedGraph, seed: u64) -> Vec<usize> {
    let n = g.len();
    let m = g.total_weight();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // node of the original graph -> node of the current level graph
    let mut membership: Vec<usize> = (0..n).collect();
    if m == 0.0 {
        return relabel(&membership);
    }
    let mut level = g.clone();
    let mut modularity_now = modularity(g, &membership);
    loop {
        let (inner, moved) = one_level(&level, m, &mut rng);
        if !moved {
            break;
        }
        let candidate: Vec<usize> = membership.iter().map(|&c| inner[c]).collect();
        let new_mod = modularity(g, &relabel(&candidate));
        if new_mod - modularity_now <= 1e-7 {
            break;
        }
        modularity_now = new_mod;
        membership = candidate;
        level = aggregate(&level, &inner);
        membership = {
            // compact labels so that they index the new level graph
            let map = compact(&inner);
            membership.iter().map(|&c| map[&c]).collect()
        };
    }
    relabel(&membership)
}

/// One Louvain level: local moves until none improves; community label per level node.
fn one_level(g: &WeightedGraph, m: f64, rng: &mut ChaCha8Rng) -> (Vec<usize>, bool) {
    let n = g.len();
    let mut community: Vec<usize> = (0..n).collect();
    let degree: Vec<f64> = (0..n).map(|u| g.weighted_degree(u)).collect();
    let mut stot = degree.clone();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut any = false;
    let mut w2c: Vec<(usize, f64)> = Vec::new();
    loop {
        let mut moves = 0;
        for &u in &order {
            w2c.clear();
            for &(v, w) in &g.adj[u] {
                if v == u {
                    continue;
                }
                let c = community[v];
                match w2c.iter_mut().find(|(x, _)| *x == c) {
                    Some((_, acc)) => *acc += w,
                    None => w2c.push((c, w)),
                }
            }
            let own = community[u];
            let k = degree[u];
            stot[own] -= k;
            let own_w = w2c.iter().find(|(c, _)| *c == own).map_or(0.0, |x| x.1);
            let remove_cost = -own_w / m + (stot[own] * k) / (2.0 * m * m);
            let mut best = own;
            let mut best_gain = 0.0;
            for &(c, wt) in &w2c {
                let gain = remove_cost + wt / m - (stot[c] * k) / (2.0 * m * m);
                if gain > best_gain {
                    best_gain = gain;
                    best = c;
                }
            }
            stot[best] += k;
            if best != own {
                community[u] = best;
                moves += 1;
                any = true;
            }
        }
        if moves == 0 {
            break;
        }
    }
    (community, any)
}

fn compact(labels: &[usize]) -> HashMap<usize, usize> {
    let mut map = HashMap::new();
    for &c in labels {
        let next = map.len();
        map.entry(c).or_insert(next);
    }
    map
}

/// The graph of communities: one node per community, weights summed (inner weight → loop).
fn aggregate(g: &WeightedGraph, community: &[usize]) -> WeightedGraph {
    let map = compact(community);
    let mut edges = Vec::new();
    for u in 0..g.len() {
        for &(v, w) in &g.adj[u] {
            if v >= u {
                edges.push((map[&community[u]], map[&community[v]], w));
            }
        }
    }
    WeightedGraph::new(map.len(), &edges)
}

/// Labels by community size (largest first), ties by smallest member.
fn relabel(labels: &[usize]) -> Vec<usize> {
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (u, &c) in labels.iter().enumerate() {
        groups.entry(c).or_default().push(u);
    }
    let mut list: Vec<Vec<usize>> = groups.into_values().collect();
    list.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[0].cmp(&b[0])));
    let mut out = vec![0; labels.len()];
    for (label, members) in list.iter().enumerate() {
        for &u in members {
            out[u] = label;
        }
    }
    out
}

/// The metrics of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeMetrics {
    pub degree: usize,
    pub weighted_degree: f64,
    pub betweenness: f64,
    pub pagerank: f64,
    pub community: usize,
}

/// The metrics of a graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphMetrics {
    /// Same order as the graph's nodes.
    pub nodes: Vec<NodeMetrics>,
    pub modularity: f64,
    pub communities: usize,
    pub seed: u64,
    pub method: String,
}

/// Every metric of an actor graph (PageRank α = 0.85, tol 1e-12).
pub fn compute(graph: &ActorGraph, seed: u64) -> GraphMetrics {
    let g = WeightedGraph::from_actor_graph(graph);
    let bc = betweenness(&g, |events| 1.0 / events);
    // 1e-12 converges on every graph seen; fall back to a looser tolerance, never to no value.
    let pr = pagerank(&g, 0.85, 1e-12, 10_000)
        .or_else(|| pagerank(&g, 0.85, 1e-9, 100_000))
        .map_or_else(|| vec![f64::NAN; g.len()], |p| p.0);
    let community = louvain(&g, seed);
    let q = modularity(&g, &community);
    let nodes = (0..g.len())
        .map(|u| NodeMetrics {
            degree: g.degree(u),
            weighted_degree: g.weighted_degree(u),
            betweenness: bc[u],
            pagerank: pr[u],
            community: community[u],
        })
        .collect();
    GraphMetrics {
        nodes,
        modularity: q,
        communities: community.iter().copied().max().map_or(0, |c| c + 1),
        seed,
        method:
            "edge weight = events; betweenness edge length = 1/events (normalised, undirected); \
                 PageRank alpha 0.85 tol 1e-12 on events; Louvain resolution 1 on events, seeded"
                .into(),
    }
}
