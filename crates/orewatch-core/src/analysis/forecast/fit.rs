//! Regularised linear and logistic regression on standardised features — the estimators of
//! the hurdle model.
//!
//! Logistic: maximises Σ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] − (λ/2)‖β₁..‖² with pᵢ = σ(xᵢ·β)
//! by damped Newton–Raphson (the step is halved until the penalised log-likelihood does not
//! fall), intercept unpenalised, starting from the base rate; stops when the largest accepted
//! step is below 1e-7 or after 50 iterations. Linear: ridge least squares
//! (XᵀX + λI)β = Xᵀy, intercept unpenalised. Features are centred and scaled by the training
//! mean and standard deviation (a constant column is left at zero); the intercept is the
//! first coefficient.

use rayon::prelude::*;
use serde::Serialize;

/// Centring and scaling of feature columns, learnt on training rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standardiser {
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Standardiser {
    /// Column means and standard deviations of the selected columns over `rows`.
    pub fn fit(x: &[f64], width: usize, columns: &[usize]) -> Standardiser {
        let n = (x.len() / width).max(1) as f64;
        let k = columns.len();
        let mut mean = vec![0.0; k];
        let mut sq = vec![0.0; k];
        for row in x.chunks_exact(width) {
            for (j, &c) in columns.iter().enumerate() {
                mean[j] += row[c];
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        for row in x.chunks_exact(width) {
            for (j, &c) in columns.iter().enumerate() {
                let d = row[c] - mean[j];
                sq[j] += d * d;
            }
        }
        let scale = sq
            .iter()
            .map(|s| {
                let sd = (s / n).sqrt();
                if sd > 1e-12 {
                    sd
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        Standardiser { mean, scale }
    }

    /// The design row: 1 followed by the standardised selected columns.
    pub fn design(&self, row: &[f64], columns: &[usize], out: &mut Vec<f64>) {
        out.clear();
        out.push(1.0);
        for (j, &c) in columns.iter().enumerate() {
            out.push((row[c] - self.mean[j]) / self.scale[j]);
        }
    }
}

/// Dot product of coefficients and a design row.
pub fn dot(beta: &[f64], x: &[f64]) -> f64 {
    beta.iter().zip(x).map(|(b, v)| b * v).sum()
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Solves the symmetric positive-definite system `a x = b` (a is k × k, row-major) by
/// Cholesky; None when `a` is not positive definite.
pub fn cholesky_solve(a: &[f64], b: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i * k + j];
            for p in 0..j {
                s -= l[i * k + p] * l[j * k + p];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    let mut y = vec![0.0; k];
    for i in 0..k {
        let mut s = b[i];
        for p in 0..i {
            s -= l[i * k + p] * y[p];
        }
        y[i] = s / l[i * k + i];
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let mut s = y[i];
        for p in i + 1..k {
            s -= l[p * k + i] * x[p];
        }
        x[i] = s / l[i * k + i];
    }
    Some(x)
}

/// Design rows (with the leading 1), row-major, `k` columns.
pub struct Design<'a> {
    pub rows: &'a [f64],
    pub k: usize,
}

impl Design<'_> {
    pub fn n(&self) -> usize {
        self.rows.len() / self.k
    }
}

/// Ridge logistic regression of `y` (0/1) on the design. Returns the coefficients.
pub fn logistic(design: &Design, y: &[bool], lambda: f64, start: Option<&[f64]>) -> Vec<f64> {
    let k = design.k;
    let mut beta = start.map(<[f64]>::to_vec).unwrap_or_else(|| vec![0.0; k]);
    if beta.len() != k {
        beta = vec![0.0; k];
    }
    let packed = k * (k + 1) / 2;
    if start.is_none() && !y.is_empty() {
        // Start at the base rate: one Newton step fewer from an extreme intercept.
        let rate = (y.iter().filter(|&&v| v).count() as f64 + 0.5) / (y.len() as f64 + 1.0);
        beta[0] = (rate / (1.0 - rate)).ln();
    }
    for _iteration in 0..50 {
        // Gradient and the Hessian's lower triangle (packed by rows), accumulated in parallel
        // over chunks of rows, the chunks' sums then added in chunk order: rayon's `reduce`
        // combines in an order that depends on work stealing, which changed the last bits of
        // the coefficients from run to run.
        let partial: Vec<(Vec<f64>, Vec<f64>)> = design
            .rows
            .par_chunks(k * 4096)
            .zip(y.par_chunks(4096))
            .map(|(rows, ys)| {
                let mut g = vec![0.0; k];
                let mut h = vec![0.0; packed];
                for (x, &yi) in rows.chunks_exact(k).zip(ys) {
                    let p = sigmoid(dot(&beta, x));
                    let r = (yi as u8 as f64) - p;
                    let w = p * (1.0 - p);
                    let mut offset = 0;
                    for (i, (&xi, gi)) in x.iter().zip(g.iter_mut()).enumerate() {
                        *gi += r * xi;
                        let wx = w * xi;
                        let row = &mut h[offset..offset + i + 1];
                        for (hv, &xj) in row.iter_mut().zip(x) {
                            *hv += wx * xj;
                        }
                        offset += i + 1;
                    }
                }
                (g, h)
            })
            .collect();
        let (mut grad, mut tri) = (vec![0.0; k], vec![0.0; packed]);
        for (g, h) in &partial {
            grad.iter_mut().zip(g).for_each(|(a, b)| *a += b);
            tri.iter_mut().zip(h).for_each(|(a, b)| *a += b);
        }
        let mut h = vec![0.0; k * k];
        let mut offset = 0;
        for i in 0..k {
            for j in 0..i + 1 {
                h[i * k + j] = tri[offset + j];
                h[j * k + i] = tri[offset + j];
            }
            offset += i + 1;
        }
        let mut g = grad;
        for i in 0..k {
            if i > 0 {
                h[i * k + i] += lambda;
                g[i] -= lambda * beta[i];
            } else {
                h[0] += 1e-9;
            }
        }
        let Some(step) = cholesky_solve(&h, &g, k) else {
            break;
        };
        // Damped Newton: halve the step until the penalised log-likelihood does not fall
        // (plain Newton overshoots on rare events with large standardised values).
        let current = penalised_log_likelihood(design, y, lambda, &beta);
        let mut alpha = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + alpha * s).collect();
            if penalised_log_likelihood(design, y, lambda, &trial)
                >= current - 1e-12 * current.abs()
            {
                beta = trial;
                accepted = true;
                break;
            }
            alpha /= 2.0;
        }
        let largest = alpha * step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if !accepted || largest < 1e-7 {
            break;
        }
    }
    beta
}

/// Σ [yᵢ zᵢ − ln(1 + e^zᵢ)] − (λ/2) Σ_{j>0} βⱼ², zᵢ = xᵢ·β.
pub fn penalised_log_likelihood(design: &Design, y: &[bool], lambda: f64, beta: &[f64]) -> f64 {
    let k = design.k;
    let ll: f64 = design
        .rows
        .par_chunks(k * 4096)
        .zip(y.par_chunks(4096))
        .map(|(rows, ys)| {
            rows.chunks_exact(k)
                .zip(ys)
                .map(|(x, &yi)| {
                    let z = dot(beta, x);
                    let softplus = if z > 0.0 {
                        z + (-z).exp().ln_1p()
                    } else {
                        z.exp().ln_1p()
                    };
                    if yi {
                        z - softplus
                    } else {
                        -softplus
                    }
                })
                .sum::<f64>()
        })
        .collect::<Vec<f64>>()
        // Chunk order, not rayon's work-stealing order: the same bits on every run.
        .iter()
        .sum();
    ll - 0.5 * lambda * beta[1..].iter().map(|b| b * b).sum::<f64>()
}

/// Ridge least squares of `y` on the design.
pub fn ridge(design: &Design, y: &[f64], lambda: f64) -> Vec<f64> {
    let k = design.k;
    let mut a = vec![0.0; k * k];
    let mut b = vec![0.0; k];
    for (x, &yi) in design.rows.chunks_exact(k).zip(y) {
        for (i, &xi) in x.iter().enumerate() {
            b[i] += xi * yi;
            for (av, &xj) in a[i * k..i * k + i + 1].iter_mut().zip(x) {
                *av += xi * xj;
            }
        }
    }
    for i in 0..k {
        for j in 0..i {
            a[j * k + i] = a[i * k + j];
        }
        a[i * k + i] += if i > 0 { lambda } else { 1e-9 };
    }
    cholesky_solve(&a, &b, k).unwrap_or_else(|| {
        let mut beta = vec![0.0; k];
        beta[0] = y.iter().sum::<f64>() / y.len().max(1) as f64;
        beta
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_hand_system() {
        // [4 2; 2 3] x = [2; 1]  →  det 8, x = [ (2·3 − 2·1)/8, (4·1 − 2·2)/8 ] = [0.5, 0].
        let x = cholesky_solve(&[4.0, 2.0, 2.0, 3.0], &[2.0, 1.0], 2).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        assert!(cholesky_solve(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0], 2).is_none());
    }

    #[test]
    fn ridge_without_penalty_is_least_squares() {
        // y = 1 + 2x exactly.
        let xs = [0.0, 1.0, 2.0, 3.0];
        let rows: Vec<f64> = xs.iter().flat_map(|&x| [1.0, x]).collect();
        let design = Design { rows: &rows, k: 2 };
        let y: Vec<f64> = xs.iter().map(|x| 1.0 + 2.0 * x).collect();
        let b = ridge(&design, &y, 0.0);
        assert!((b[0] - 1.0).abs() < 1e-9 && (b[1] - 2.0).abs() < 1e-9);
    }

    #[test]
    fn logistic_matches_the_closed_form_of_a_saturated_model() {
        // One binary feature: the MLE gives each group its observed rate.
        // Group x=0: 1 of 4 positive → logit(0.25) = ln(1/3); x=1: 3 of 4 → ln 3.
        let xs = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let ys = [true, false, false, false, true, true, true, false];
        let rows: Vec<f64> = xs.iter().flat_map(|&x| [1.0, x]).collect();
        let design = Design { rows: &rows, k: 2 };
        let b = logistic(&design, &ys, 0.0, None);
        assert!((b[0] - (1.0f64 / 3.0).ln()).abs() < 1e-8, "{b:?}");
        assert!((b[0] + b[1] - 3.0f64.ln()).abs() < 1e-8, "{b:?}");
        // A penalty shrinks the slope towards zero.
        let shrunk = logistic(&design, &ys, 10.0, None);
        assert!(shrunk[1].abs() < b[1].abs());
    }

    #[test]
    fn logistic_is_bitwise_the_same_on_any_thread_count() {
        // 600,000 rows = 147 chunks of 4,096: the chunks' sums must be added in one order.
        let n = 600_000;
        let mut next = crate::test_util::uniform_sequence(12345u64);
        let mut rows = Vec::with_capacity(3 * n);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let (a, b) = (next() * 4.0 - 2.0, next() * 3.0);
            rows.extend_from_slice(&[1.0, a, b, next(), next() * 10.0, a * b, next() - 0.5]);
            y.push(next() < 1.0 / (1.0 + (3.0 - 0.8 * a - 0.5 * b).exp()));
        }
        let design = Design { rows: &rows, k: 7 };
        let fit = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| logistic(&design, &y, 1.0, None))
        };
        let one = fit(1);
        for threads in [2, 2, 2, 3, 4, 2, 2, 2] {
            let b = fit(threads);
            assert!(
                one.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{one:?} vs {b:?} on {threads} threads"
            );
        }
        // And the fit is sensible: the slopes' signs of the generating model.
        assert!(one[1] > 0.5 && one[2] > 0.3, "{one:?}");
    }
}
