//! Named country sets (ISO 3166-1 alpha-3 codes) that analyses and products share, each
//! defined once here.

/// The central Sahel: Mali, Burkina Faso and Niger — the three states of the Liptako-Gourma
/// conflict system that the brief's actors, outlook and supply sections are about.
pub const SAHEL: [&str; 3] = ["MLI", "BFA", "NER"];

/// The Sahel and the countries bordering it in West Africa: Mauritania, Senegal, Guinea,
/// Côte d'Ivoire, Ghana, Togo, Benin, Nigeria. The forecast models' default training set
/// (`orewatch forecast --train-countries`): about seven times as many cell-months with deaths
/// per fit as the Sahel alone.
pub const SAHEL_AND_NEIGHBOURS: [&str; 11] = [
    "MLI", "BFA", "NER", "MRT", "SEN", "GIN", "CIV", "GHA", "TGO", "BEN", "NGA",
];

/// A set as owned strings.
pub fn codes(set: &[&str]) -> Vec<String> {
    set.iter().map(|c| c.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sahel_is_in_its_neighbourhood() {
        assert!(SAHEL.iter().all(|c| SAHEL_AND_NEIGHBOURS.contains(c)));
        let mut sorted = SAHEL_AND_NEIGHBOURS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), SAHEL_AND_NEIGHBOURS.len());
    }
}
