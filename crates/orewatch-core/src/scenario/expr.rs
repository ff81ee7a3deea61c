//! The expression language of scenario variables and outputs.
//!
//! ```text
//! expr    := compare
//! compare := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]     → 1 or 0 per draw
//! sum     := product {("+" | "-") product}
//! product := unary {("*" | "×" | "/" | "÷") unary}
//! unary   := "-" unary | power                                    (−2^2 = −4)
//! power   := primary ["^" unary]                                  (right-associative)
//! primary := number | name | name "(" expr {"," expr} ")" | "(" expr ")"
//! ```
//! Functions: `min(a, b, …)`, `max(a, b, …)`, `exp(x)`, `ln(x)`, `sqrt(x)`, `abs(x)`,
//! `clamp(x, lo, hi)`, `if(condition, then, else)` (condition ≠ 0 takes `then`). A comparison
//! gives 1 or 0 in each draw, so its mean over draws is a probability. Evaluation is
//! vectorised: every name stands for all draws of that variable.

use std::collections::BTreeSet;

use rayon::prelude::*;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Name(String),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Exp,
    Ln,
    Sqrt,
    Abs,
    Clamp,
    If,
}

impl Func {
    fn of(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "exp" => Func::Exp,
            "ln" => Func::Ln,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            "clamp" => Func::Clamp,
            "if" => Func::If,
            _ => return None,
        })
    }

    /// (min, max) number of arguments.
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max => (1, usize::MAX),
            Func::Exp | Func::Ln | Func::Sqrt | Func::Abs => (1, 1),
            Func::Clamp | Func::If => (3, 3),
        }
    }
}

/// A parse error at a character column (1-based) of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
            let v = s.parse::<f64>().map_err(|_| ParseError {
                column,
                message: format!("`{s}` is not a number"),
            })?;
            out.push((Token::Number(v), column));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Name(chars[start..i].iter().collect()), column));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op2 = ["<=", ">=", "==", "!="].into_iter().find(|o| *o == two);
        if let Some(op) = op2 {
            out.push((Token::Op(op), column));
            i += 2;
            continue;
        }
        let tok = match c {
            '+' => Token::Op("+"),
            '-' | '−' => Token::Op("-"),
            '*' | '×' => Token::Op("*"),
            '/' | '÷' => Token::Op("/"),
            '^' => Token::Op("^"),
            '<' => Token::Op("<"),
            '>' => Token::Op(">"),
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            _ => {
                return Err(ParseError {
                    column,
                    message: format!(
                        "unexpected character `{c}`; allowed: numbers, names, + - * / ^ ( ) , and comparisons < <= > >= == !="
                    ),
                })
            }
        };
        out.push((tok, column));
        i += 1;
    }
    out.push((Token::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos].0
    }

    fn column(&self) -> usize {
        self.tokens[self.pos].1
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].0.clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            column: self.column(),
            message: message.into(),
        })
    }

    fn compare(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Token::Op("<") => BinOp::Lt,
            Token::Op("<=") => BinOp::Le,
            Token::Op(">") => BinOp::Gt,
            Token::Op(">=") => BinOp::Ge,
            Token::Op("==") => BinOp::Eq,
            Token::Op("!=") => BinOp::Ne,
            _ => return Ok(left),
        };
        self.next();
        let right = self.sum()?;
        Ok(Expr::Binary(op, Box::new(left), Box::new(right)))
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Token::Op("+") => BinOp::Add,
                Token::Op("-") => BinOp::Sub,
                _ => return Ok(left),
            };
            self.next();
            let right = self.product()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Token::Op("*") => BinOp::Mul,
                Token::Op("/") => BinOp::Div,
                _ => return Ok(left),
            };
            self.next();
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        if self.peek() == &Token::Op("^") {
            self.next();
            let exponent = self.unary()?;
            return Ok(Expr::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == &Token::Op("-") {
            self.next();
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.power()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let column = self.column();
        match self.next() {
            Token::Number(v) => Ok(Expr::Number(v)),
            Token::LParen => {
                let e = self.compare()?;
                if self.next() != Token::RParen {
                    return self.error("expected `)`");
                }
                Ok(e)
            }
            Token::Name(name) => {
                if self.peek() != &Token::LParen {
                    return Ok(Expr::Name(name));
                }
                let Some(func) = Func::of(&name) else {
                    return Err(ParseError {
                        column,
                        message: format!(
                            "unknown function `{name}`; allowed: min, max, exp, ln, sqrt, abs, clamp, if"
                        ),
                    });
                };
                self.next();
                let mut args = vec![self.compare()?];
                while self.peek() == &Token::Comma {
                    self.next();
                    args.push(self.compare()?);
                }
                if self.next() != Token::RParen {
                    return self.error("expected `,` or `)` in the argument list");
                }
                let (lo, hi) = func.arity();
                if args.len() < lo || args.len() > hi {
                    return Err(ParseError {
                        column,
                        message: format!(
                            "`{name}` takes {}, got {}",
                            if lo == hi {
                                format!("{lo} argument(s)")
                            } else {
                                format!("at least {lo} argument(s)")
                            },
                            args.len()
                        ),
                    });
                }
                Ok(Expr::Call(func, args))
            }
            Token::End => self.error("the expression ends too early"),
            other => Err(ParseError {
                column,
                message: format!("unexpected {}", describe(&other)),
            }),
        }
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Number(v) => format!("number {v}"),
        Token::Name(n) => format!("name `{n}`"),
        Token::Op(o) => format!("`{o}`"),
        Token::LParen => "`(`".into(),
        Token::RParen => "`)`".into(),
        Token::Comma => "`,`".into(),
        Token::End => "end of the expression".into(),
    }
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
    };
    let e = parser.compare()?;
    if parser.peek() != &Token::End {
        let t = parser.peek().clone();
        return parser.error(format!(
            "unexpected {} after a complete expression",
            describe(&t)
        ));
    }
    Ok(e)
}

impl Expr {
    /// The variable names the expression uses.
    pub fn names(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Name(n) => {
                out.insert(n.clone());
            }
            Expr::Neg(e) => e.collect_names(out),
            Expr::Binary(_, a, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_names(out)),
        }
    }

    /// Evaluates over `n` draws; `lookup` gives the draws of a name (already computed, at
    /// least `n` of them). Rows are evaluated in chunks of [`CHUNK`], in parallel (rayon); the
    /// result does not depend on the number of threads.
    pub fn eval<'a>(
        &self,
        n: usize,
        lookup: &dyn Fn(&str) -> Option<&'a [f64]>,
    ) -> Result<Vec<f64>, String> {
        let mut columns: Vec<&'a [f64]> = Vec::new();
        let bound = self.bind(&mut |name| {
            let column = lookup(name).ok_or_else(|| format!("unknown name `{name}`"))?;
            if column.len() < n {
                return Err(format!(
                    "`{name}` has {} draws, {n} are needed",
                    column.len()
                ));
            }
            columns.push(column);
            Ok(columns.len() - 1)
        })?;
        let mut out = vec![0.0; n];
        out.par_chunks_mut(CHUNK).enumerate().for_each_init(
            || (Scratch::default(), Vec::with_capacity(columns.len())),
            |(scratch, env), (c, chunk)| {
                let rows = c * CHUNK..c * CHUNK + chunk.len();
                env.clear();
                env.extend(columns.iter().map(|column| &column[rows.clone()]));
                bound.eval_into(env, chunk, scratch);
            },
        );
        Ok(out)
    }

    /// Resolves every name to a slot: `slot(name)` gives the index, in the `env` of
    /// [`Bound::eval_into`], of the name's values (or an error, e.g. an unknown name). A name
    /// used twice is asked for twice.
    pub fn bind(
        &self,
        slot: &mut dyn FnMut(&str) -> Result<usize, String>,
    ) -> Result<Bound, String> {
        Ok(match self {
            Expr::Number(v) => Bound::Number(*v),
            Expr::Name(name) => Bound::Slot(slot(name)?),
            Expr::Neg(e) => Bound::Neg(Box::new(e.bind(slot)?)),
            Expr::Binary(op, a, b) => {
                Bound::Binary(*op, Box::new(a.bind(slot)?), Box::new(b.bind(slot)?))
            }
            Expr::Call(func, args) => Bound::Call(
                *func,
                args.iter()
                    .map(|a| a.bind(slot))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// Rows evaluated together by [`Expr::eval`]: every node's intermediate values for one chunk
/// (32 KiB per node) stay in cache, and chunks are independent, so they run in parallel.
pub const CHUNK: usize = 4096;

/// An expression with its names resolved to slots ([`Expr::bind`]), ready to evaluate
/// row-chunk by row-chunk.
#[derive(Debug, Clone)]
pub enum Bound {
    Number(f64),
    Slot(usize),
    Neg(Box<Bound>),
    Binary(BinOp, Box<Bound>, Box<Bound>),
    Call(Func, Vec<Bound>),
}

/// Scratch buffers reused across the nodes and chunks of one thread.
#[derive(Default)]
pub struct Scratch(Vec<Vec<f64>>);

impl Scratch {
    fn take(&mut self, len: usize) -> Vec<f64> {
        let mut v = self.0.pop().unwrap_or_default();
        v.clear();
        v.resize(len, 0.0);
        v
    }

    fn give(&mut self, v: Vec<f64>) {
        self.0.push(v);
    }
}

impl Bound {
    /// Writes the expression's values for a block of rows into `out`: `env[s]` holds the
    /// same rows of the name bound to slot `s` (at least `out.len()` values). Each row gets
    /// exactly the floating-point operations of a whole-column evaluation, in the same order,
    /// so the result does not depend on how rows are blocked.
    pub fn eval_into(&self, env: &[&[f64]], out: &mut [f64], scratch: &mut Scratch) {
        let len = out.len();
        match self {
            Bound::Number(v) => out.fill(*v),
            Bound::Slot(s) => out.copy_from_slice(&env[*s][..len]),
            Bound::Neg(e) => {
                e.eval_into(env, out, scratch);
                out.iter_mut().for_each(|x| *x = -*x);
            }
            Bound::Binary(op, a, b) => {
                if let (Bound::Slot(a), Bound::Slot(b)) = (&**a, &**b) {
                    // Two names: one pass over their values, no copies.
                    return binary_of_slices(*op, &env[*a][..len], &env[*b][..len], out);
                }
                a.eval_into(env, out, scratch);
                let mut owned = None;
                let y: &[f64] = match &**b {
                    // A name on the right is read in place.
                    Bound::Slot(b) => &env[*b][..len],
                    b => {
                        let mut v = scratch.take(len);
                        b.eval_into(env, &mut v, scratch);
                        owned.insert(v)
                    }
                };
                let x = &mut *out;
                match op {
                    BinOp::Add => x.iter_mut().zip(y).for_each(|(a, &b)| *a += b),
                    BinOp::Sub => x.iter_mut().zip(y).for_each(|(a, &b)| *a -= b),
                    BinOp::Mul => x.iter_mut().zip(y).for_each(|(a, &b)| *a *= b),
                    BinOp::Div => x.iter_mut().zip(y).for_each(|(a, &b)| *a /= b),
                    BinOp::Pow => x.iter_mut().zip(y).for_each(|(a, &b)| *a = a.powf(b)),
                    BinOp::Lt => cmp(x, y, |a, b| a < b),
                    BinOp::Le => cmp(x, y, |a, b| a <= b),
                    BinOp::Gt => cmp(x, y, |a, b| a > b),
                    BinOp::Ge => cmp(x, y, |a, b| a >= b),
                    BinOp::Eq => cmp(x, y, |a, b| a == b),
                    BinOp::Ne => cmp(x, y, |a, b| a != b),
                }
                if let Some(v) = owned {
                    scratch.give(v);
                }
            }
            Bound::Call(func, args) => {
                args[0].eval_into(env, out, scratch);
                let rest: Vec<Vec<f64>> = args[1..]
                    .iter()
                    .map(|a| {
                        let mut v = scratch.take(len);
                        a.eval_into(env, &mut v, scratch);
                        v
                    })
                    .collect();
                match func {
                    Func::Min => rest
                        .iter()
                        .for_each(|v| out.iter_mut().zip(v).for_each(|(a, &b)| *a = a.min(b))),
                    Func::Max => rest
                        .iter()
                        .for_each(|v| out.iter_mut().zip(v).for_each(|(a, &b)| *a = a.max(b))),
                    Func::Exp => out.iter_mut().for_each(|a| *a = a.exp()),
                    Func::Ln => out.iter_mut().for_each(|a| *a = a.ln()),
                    Func::Sqrt => out.iter_mut().for_each(|a| *a = a.sqrt()),
                    Func::Abs => out.iter_mut().for_each(|a| *a = a.abs()),
                    Func::Clamp => {
                        for ((x, lo), hi) in out.iter_mut().zip(&rest[0]).zip(&rest[1]) {
                            *x = x.max(*lo).min(*hi);
                        }
                    }
                    Func::If => {
                        for ((x, then), otherwise) in out.iter_mut().zip(&rest[0]).zip(&rest[1]) {
                            *x = if *x != 0.0 { *then } else { *otherwise };
                        }
                    }
                }
                rest.into_iter().for_each(|v| scratch.give(v));
            }
        }
    }
}

/// `out = a op b` row by row (the operations of [`Bound::eval_into`]'s general case).
fn binary_of_slices(op: BinOp, a: &[f64], b: &[f64], out: &mut [f64]) {
    let rows = out.iter_mut().zip(a).zip(b);
    let t = |c: bool| f64::from(u8::from(c));
    match op {
        BinOp::Add => rows.for_each(|((o, &a), &b)| *o = a + b),
        BinOp::Sub => rows.for_each(|((o, &a), &b)| *o = a - b),
        BinOp::Mul => rows.for_each(|((o, &a), &b)| *o = a * b),
        BinOp::Div => rows.for_each(|((o, &a), &b)| *o = a / b),
        BinOp::Pow => rows.for_each(|((o, &a), &b)| *o = a.powf(b)),
        BinOp::Lt => rows.for_each(|((o, &a), &b)| *o = t(a < b)),
        BinOp::Le => rows.for_each(|((o, &a), &b)| *o = t(a <= b)),
        BinOp::Gt => rows.for_each(|((o, &a), &b)| *o = t(a > b)),
        BinOp::Ge => rows.for_each(|((o, &a), &b)| *o = t(a >= b)),
        BinOp::Eq => rows.for_each(|((o, &a), &b)| *o = t(a == b)),
        BinOp::Ne => rows.for_each(|((o, &a), &b)| *o = t(a != b)),
    }
}

/// A comparison's 1 or 0 per row.
fn cmp(x: &mut [f64], y: &[f64], f: impl Fn(f64, f64) -> bool) {
    x.iter_mut()
        .zip(y)
        .for_each(|(a, &b)| *a = f64::from(u8::from(f(*a, b))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> f64 {
        parse(text).unwrap().eval(1, &|_| None).unwrap()[0]
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("1 + 2 * 3"), 7.0);
        assert_eq!(eval("(1 + 2) * 3"), 9.0);
        assert_eq!(eval("2 ^ 3 ^ 2"), 512.0);
        assert_eq!(eval("-2 ^ 2"), -4.0);
        assert_eq!(eval("2 ^ -1"), 0.5);
        assert_eq!(eval("10 - 4 - 3"), 3.0);
        assert_eq!(eval("12 ÷ 4 × 3"), 9.0);
        assert_eq!(eval("1e3 + 2.5E-1"), 1000.25);
        assert_eq!(eval("1_000 / 8"), 125.0);
    }

    #[test]
    fn functions_and_comparisons() {
        assert_eq!(eval("min(3, 1, 2) + max(4, 5)"), 6.0);
        assert_eq!(eval("clamp(12, 0, 10)"), 10.0);
        assert_eq!(eval("if(2 > 1, 7, 9)"), 7.0);
        assert_eq!(eval("if(2 <= 1, 7, 9)"), 9.0);
        assert!((eval("ln(exp(2))") - 2.0).abs() < 1e-15);
        assert_eq!(eval("sqrt(16) + abs(-1)"), 5.0);
        assert_eq!(eval("3 == 3"), 1.0);
        assert_eq!(eval("3 != 3"), 0.0);
    }

    #[test]
    fn names_are_collected_and_looked_up() {
        let e = parse("price * output - cost").unwrap();
        assert_eq!(
            e.names().into_iter().collect::<Vec<_>>(),
            ["cost", "output", "price"]
        );
        let price = [2.0, 3.0];
        let output = [10.0, 20.0];
        let cost = [1.0, 1.0];
        let v = e
            .eval(2, &|n| match n {
                "price" => Some(&price[..]),
                "output" => Some(&output[..]),
                "cost" => Some(&cost[..]),
                _ => None,
            })
            .unwrap();
        assert_eq!(v, [19.0, 59.0]);
    }

    /// One row at a time, straight from the tree: the reference for the chunked evaluator.
    fn eval_row(e: &Expr, value: &dyn Fn(&str) -> f64) -> f64 {
        match e {
            Expr::Number(v) => *v,
            Expr::Name(n) => value(n),
            Expr::Neg(a) => -eval_row(a, value),
            Expr::Binary(op, a, b) => {
                let (x, y) = (eval_row(a, value), eval_row(b, value));
                let t = |c: bool| if c { 1.0 } else { 0.0 };
                match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div => x / y,
                    BinOp::Pow => x.powf(y),
                    BinOp::Lt => t(x < y),
                    BinOp::Le => t(x <= y),
                    BinOp::Gt => t(x > y),
                    BinOp::Ge => t(x >= y),
                    BinOp::Eq => t(x == y),
                    BinOp::Ne => t(x != y),
                }
            }
            Expr::Call(f, args) => {
                let v: Vec<f64> = args.iter().map(|a| eval_row(a, value)).collect();
                match f {
                    Func::Min => v.iter().copied().fold(v[0], f64::min),
                    Func::Max => v.iter().copied().fold(v[0], f64::max),
                    Func::Exp => v[0].exp(),
                    Func::Ln => v[0].ln(),
                    Func::Sqrt => v[0].sqrt(),
                    Func::Abs => v[0].abs(),
                    Func::Clamp => v[0].max(v[1]).min(v[2]),
                    Func::If => {
                        if v[0] != 0.0 {
                            v[1]
                        } else {
                            v[2]
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn chunked_evaluation_equals_row_by_row() {
        // Rows straddle several chunks (and a partial last one); values include 0 and negatives.
        let n = 2 * CHUNK + 1234;
        let a: Vec<f64> = (0..n).map(|i| (i % 97) as f64 / 7.0 - 3.0).collect();
        let b: Vec<f64> = (0..n).map(|i| ((i * 31) % 101) as f64 / 13.0).collect();
        let c: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
        let lookup = |name: &str| match name {
            "a" => Some(&a[..]),
            "b" => Some(&b[..]),
            "c" => Some(&c[..]),
            _ => None,
        };
        for text in [
            "a * b - c / (b + 1) + -a ^ 2",
            "if(a > 0, ln(b + 1) * a, exp(a) - min(a, b, c))",
            "clamp(a * 2, -1, b) + max(c, a) + sqrt(abs(a)) + (a != c) + (b <= 2) + (a == 0)",
            "2 ^ a ^ 0.5 + a / c + (a >= b) - (a < c)",
            "(a - b) * (a + c) + (b == c) + (a > b) * (a <= c) + abs(a) ^ b - a * (b + c)",
            "7",
        ] {
            let e = parse(text).unwrap();
            let got = e.eval(n, &lookup).unwrap();
            for (i, g) in got.iter().enumerate() {
                let want = eval_row(&e, &|name| lookup(name).unwrap()[i]);
                assert_eq!(
                    g.to_bits(),
                    want.to_bits(),
                    "`{text}` row {i}: {g} vs {want}"
                );
            }
        }
        let e = parse("a + d").unwrap().eval(n, &lookup).unwrap_err();
        assert!(e.contains("unknown name `d`"), "{e}");
    }

    #[test]
    fn errors_name_the_column_and_what_is_allowed() {
        let e = parse("1 + * 2").unwrap_err();
        assert_eq!(e.column, 5);
        assert!(e.message.contains("unexpected `*`"), "{}", e.message);
        let e = parse("foo(1)").unwrap_err();
        assert_eq!(e.column, 1);
        assert!(e.message.contains("unknown function `foo`"));
        let e = parse("clamp(1, 2)").unwrap_err();
        assert!(
            e.message.contains("takes 3 argument(s), got 2"),
            "{}",
            e.message
        );
        let e = parse("(1 + 2").unwrap_err();
        assert!(e.message.contains("expected `)`"));
        let e = parse("1 + 2 3").unwrap_err();
        assert_eq!(e.column, 7);
        let e = parse("a $ b").unwrap_err();
        assert_eq!(e.column, 3);
        assert!(e.message.contains("unexpected character `$`"));
    }
}
