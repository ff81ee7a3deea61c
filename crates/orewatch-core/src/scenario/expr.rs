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
//!
//! # Limits
//! An expression holds at most [`MAX_EXPR_BYTES`] bytes and [`MAX_TOKENS`] tokens, and nests
//! at most [`MAX_NESTING`] levels deep (each parenthesis, function call, unary minus and power
//! exponent is one level). A longer or deeper expression is a [`ParseError`] naming the column
//! where the limit was passed, never a stack overflow. A run of `+`/`-` (or `*`/`/`) terms is
//! one n-ary [`Expr::Chain`], parsed in a loop and evaluated term by term, so a long flat sum
//! costs no nesting. [`Expr::bind`] refuses a (hand-built) tree deeper than [`MAX_TREE_DEPTH`],
//! so evaluation never recurses deeper than that.

use std::collections::BTreeSet;

use rayon::prelude::*;

/// The longest expression text, in bytes.
pub const MAX_EXPR_BYTES: usize = 64 * 1024;
/// The most tokens (numbers, names, operators, parentheses, commas) in one expression.
pub const MAX_TOKENS: usize = 10_000;
/// The deepest nesting of parentheses, function calls, unary minus and power exponents.
pub const MAX_NESTING: usize = 64;
/// The deepest expression tree [`Expr::bind`] takes (a parsed expression is at most about
/// 3 × [`MAX_NESTING`] deep; only a hand-built tree can be deeper).
pub const MAX_TREE_DEPTH: usize = 4 * MAX_NESTING;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Name(String),
    Neg(Box<Expr>),
    /// `first op₁ t₁ op₂ t₂ …` evaluated left to right, `((first op₁ t₁) op₂ t₂) …`; the
    /// operators are all `+`/`-` or all `*`/`/`.
    Chain(Box<Expr>, Vec<(BinOp, Expr)>),
    /// A power or a comparison.
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
    if text.len() > MAX_EXPR_BYTES {
        return Err(ParseError {
            column: 1,
            message: format!(
                "the expression is {} bytes long; the limit is {MAX_EXPR_BYTES}: split it into intermediate variables",
                text.len()
            ),
        });
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if out.len() == MAX_TOKENS && !c.is_whitespace() {
            return Err(ParseError {
                column,
                message: format!(
                    "the expression has more than {MAX_TOKENS} tokens (numbers, names, operators, parentheses); split it into intermediate variables"
                ),
            });
        }
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
    /// Nesting levels open at the current token (see [`MAX_NESTING`]).
    depth: usize,
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

    /// Parses `inner` one nesting level deeper; past [`MAX_NESTING`] levels, an error at the
    /// current token (the parser's recursion is bounded by this check).
    fn nested(
        &mut self,
        inner: impl FnOnce(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        if self.depth >= MAX_NESTING {
            return self.error(format!(
                "the expression nests deeper than {MAX_NESTING} levels (parentheses, function calls, unary minus and powers each count one); split it into intermediate variables"
            ));
        }
        self.depth += 1;
        let e = inner(self);
        self.depth -= 1;
        e
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

    /// `term {op term}` for the operators `ops` gives, in one loop (no recursion per term).
    fn chain(
        &mut self,
        term: fn(&mut Self) -> Result<Expr, ParseError>,
        op_of: fn(&Token) -> Option<BinOp>,
    ) -> Result<Expr, ParseError> {
        let first = term(self)?;
        let mut rest = Vec::new();
        while let Some(op) = op_of(self.peek()) {
            self.next();
            rest.push((op, term(self)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Chain(Box::new(first), rest)
        })
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        self.chain(Self::product, |t| match t {
            Token::Op("+") => Some(BinOp::Add),
            Token::Op("-") => Some(BinOp::Sub),
            _ => None,
        })
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        self.chain(Self::unary, |t| match t {
            Token::Op("*") => Some(BinOp::Mul),
            Token::Op("/") => Some(BinOp::Div),
            _ => None,
        })
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        if self.peek() == &Token::Op("^") {
            self.next();
            let exponent = self.nested(Self::unary)?;
            return Ok(Expr::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == &Token::Op("-") {
            return self.nested(|p| {
                p.next();
                Ok(Expr::Neg(Box::new(p.unary()?)))
            });
        }
        self.power()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let column = self.column();
        match self.peek().clone() {
            Token::Number(v) => {
                self.next();
                Ok(Expr::Number(v))
            }
            Token::LParen => self.nested(|p| {
                p.next();
                let e = p.compare()?;
                if p.next() != Token::RParen {
                    return p.error("expected `)`");
                }
                Ok(e)
            }),
            Token::Name(name) => {
                self.next();
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
                self.nested(|p| p.call(func, &name, column))
            }
            Token::End => self.error("the expression ends too early"),
            other => {
                self.next();
                Err(ParseError {
                    column,
                    message: format!("unexpected {}", describe(&other)),
                })
            }
        }
    }

    /// The argument list of `func` (the parser is at its `(`).
    fn call(&mut self, func: Func, name: &str, column: usize) -> Result<Expr, ParseError> {
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
        depth: 0,
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
            Expr::Chain(first, rest) => {
                first.collect_names(out);
                rest.iter().for_each(|(_, t)| t.collect_names(out));
            }
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
    /// used twice is asked for twice. A tree deeper than [`MAX_TREE_DEPTH`] is an error (a
    /// parsed expression never is), so evaluating the result never recurses deeper.
    pub fn bind(
        &self,
        slot: &mut dyn FnMut(&str) -> Result<usize, String>,
    ) -> Result<Bound, String> {
        self.bind_at(slot, 0)
    }

    fn bind_at(
        &self,
        slot: &mut dyn FnMut(&str) -> Result<usize, String>,
        depth: usize,
    ) -> Result<Bound, String> {
        if depth >= MAX_TREE_DEPTH {
            return Err(format!(
                "the expression tree is deeper than {MAX_TREE_DEPTH} levels; split it into intermediate variables"
            ));
        }
        let d = depth + 1;
        Ok(match self {
            Expr::Number(v) => Bound::Number(*v),
            Expr::Name(name) => Bound::Slot(slot(name)?),
            Expr::Neg(e) => Bound::Neg(Box::new(e.bind_at(slot, d)?)),
            Expr::Chain(first, rest) => Bound::Chain(
                Box::new(first.bind_at(slot, d)?),
                rest.iter()
                    .map(|(op, t)| Ok((*op, t.bind_at(slot, d)?)))
                    .collect::<Result<_, String>>()?,
            ),
            Expr::Binary(op, a, b) => Bound::Binary(
                *op,
                Box::new(a.bind_at(slot, d)?),
                Box::new(b.bind_at(slot, d)?),
            ),
            Expr::Call(func, args) => Bound::Call(
                *func,
                args.iter()
                    .map(|a| a.bind_at(slot, d))
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
    /// As [`Expr::Chain`].
    Chain(Box<Bound>, Vec<(BinOp, Bound)>),
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
            Bound::Chain(first, rest) => {
                let mut terms = rest.iter();
                match (&**first, rest.first()) {
                    (Bound::Slot(a), Some((op, Bound::Slot(b)))) => {
                        // Two names first: one pass over their values, no copies.
                        binary_of_slices(*op, &env[*a][..len], &env[*b][..len], out);
                        terms.next();
                    }
                    _ => first.eval_into(env, out, scratch),
                }
                for (op, term) in terms {
                    apply_term(*op, term, env, out, scratch);
                }
            }
            Bound::Binary(op, a, b) => {
                if let (Bound::Slot(a), Bound::Slot(b)) = (&**a, &**b) {
                    // Two names: one pass over their values, no copies.
                    return binary_of_slices(*op, &env[*a][..len], &env[*b][..len], out);
                }
                a.eval_into(env, out, scratch);
                apply_term(*op, b, env, out, scratch);
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

/// `out = out op term` row by row; a name on the right is read in place, anything else is
/// evaluated into a scratch buffer first.
fn apply_term(op: BinOp, term: &Bound, env: &[&[f64]], out: &mut [f64], scratch: &mut Scratch) {
    let len = out.len();
    let mut owned = None;
    let y: &[f64] = match term {
        Bound::Slot(b) => &env[*b][..len],
        b => {
            let mut v = scratch.take(len);
            b.eval_into(env, &mut v, scratch);
            owned.insert(v)
        }
    };
    let x = out;
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

/// `out = a op b` row by row (the operations of [`apply_term`]).
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

    fn row_op(op: BinOp, x: f64, y: f64) -> f64 {
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

    /// One row at a time, straight from the tree: the reference for the chunked evaluator.
    fn eval_row(e: &Expr, value: &dyn Fn(&str) -> f64) -> f64 {
        match e {
            Expr::Number(v) => *v,
            Expr::Name(n) => value(n),
            Expr::Neg(a) => -eval_row(a, value),
            Expr::Chain(first, rest) => rest.iter().fold(eval_row(first, value), |x, (op, t)| {
                row_op(*op, x, eval_row(t, value))
            }),
            Expr::Binary(op, a, b) => row_op(*op, eval_row(a, value), eval_row(b, value)),
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

    /// The issue's three inputs (each crashed the stack before): errors naming the limit.
    #[test]
    fn huge_inputs_are_errors_not_stack_overflows() {
        let parens = format!("{}a{}", "(".repeat(200_000), ")".repeat(200_000));
        let e = parse(&parens).unwrap_err();
        assert!(
            e.message.contains("400001 bytes long; the limit is 65536"),
            "{}",
            e.message
        );
        let minus = format!("{}a", "-".repeat(200_000));
        let e = parse(&minus).unwrap_err();
        assert!(e.message.contains("the limit is 65536"), "{}", e.message);
        let sum = vec!["a"; 300_000].join("+");
        let e = parse(&sum).unwrap_err();
        assert!(e.message.contains("599999 bytes long"), "{}", e.message);
        // Within the byte limit but past the token limit: the 10,001st token is at column 10,001.
        let sum = vec!["a"; 5_001].join("+");
        let e = parse(&sum).unwrap_err();
        assert_eq!(e.column, MAX_TOKENS + 1);
        assert!(
            e.message.contains("more than 10000 tokens"),
            "{}",
            e.message
        );
    }

    #[test]
    fn nesting_is_limited_at_exactly_max_nesting() {
        let deep = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&deep(MAX_NESTING)).is_ok());
        let e = parse(&deep(MAX_NESTING + 1)).unwrap_err();
        // The 65th `(` is at column 65.
        assert_eq!(e.column, MAX_NESTING + 1);
        assert!(
            e.message.contains("nests deeper than 64 levels"),
            "{}",
            e.message
        );
        // Unary minus, function calls and power exponents count as levels too.
        assert!(parse(&format!("{}a", "-".repeat(MAX_NESTING))).is_ok());
        assert!(parse(&format!("{}a", "-".repeat(MAX_NESTING + 1))).is_err());
        let calls = |n: usize| format!("{}a{}", "abs(".repeat(n), ")".repeat(n));
        assert!(parse(&calls(MAX_NESTING)).is_ok());
        assert!(parse(&calls(MAX_NESTING + 1)).is_err());
        let powers = |n: usize| vec!["2"; n + 1].join("^");
        assert!(parse(&powers(MAX_NESTING)).is_ok());
        assert!(parse(&powers(MAX_NESTING + 1)).is_err());
        // Mixed: 32 parentheses around 33 minus signs is 65 levels.
        let mixed = format!("{}{}a{}", "(".repeat(32), "-".repeat(33), ")".repeat(32));
        assert!(parse(&mixed).is_err());
    }

    /// The longest flat sum the limits allow (4,999 terms, 9,999 tokens) parses into one chain
    /// and evaluates on a thread with a small stack, equal to the left-to-right sum.
    #[test]
    fn a_long_flat_chain_is_one_node_and_evaluates_without_deep_recursion() {
        let terms = (MAX_TOKENS - 1) / 2 + 1;
        let text = (0..terms)
            .map(|i| ["a", "b", "2"][i % 3])
            .collect::<Vec<_>>()
            .join(" - ")
            .replacen(" - ", " + ", terms / 2);
        let e = parse(&text).unwrap();
        let Expr::Chain(_, rest) = &e else {
            panic!("expected one chain, got {e:?}")
        };
        assert_eq!(rest.len(), terms - 1);
        let got = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                let a = [1.5, -2.0, 0.25];
                let b = [3.0, 0.5, -8.0];
                let v = e
                    .eval(3, &|n| match n {
                        "a" => Some(&a[..]),
                        "b" => Some(&b[..]),
                        _ => None,
                    })
                    .unwrap();
                let want: Vec<f64> = (0..3)
                    .map(|r| eval_row(&e, &|n| if n == "a" { a[r] } else { b[r] }))
                    .collect();
                (v, want)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(got.0, got.1);
    }

    #[test]
    fn bind_refuses_a_hand_built_tree_deeper_than_the_limit() {
        let mut e = Expr::Name("a".into());
        for _ in 0..MAX_TREE_DEPTH {
            e = Expr::Neg(Box::new(e));
        }
        let err = e.bind(&mut |_| Ok(0)).unwrap_err();
        assert!(err.contains("deeper than 256 levels"), "{err}");
        let Expr::Neg(inner) = e else { unreachable!() };
        assert!(inner.bind(&mut |_| Ok(0)).is_ok());
    }
}
