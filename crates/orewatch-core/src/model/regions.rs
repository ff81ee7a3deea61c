//! Named sets of countries (ISO 3166-1 alpha-3), defined once for every analysis and product.

/// The central Sahel: Mali, Burkina Faso and Niger — the three states of the Liptako-Gourma
/// conflict system that the brief's actors, outlook and supply sections are about.
pub const SAHEL: [&str; 3] = ["MLI", "BFA", "NER"];
