//! Great-circle distance: the one function every analysis uses.
//!
//! Haversine on a sphere of the mean Earth radius (IUGG R1 = 6371.0088 km). Inputs are WGS84
//! degrees, output kilometres.

/// Mean Earth radius R1 of the IUGG, in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine great-circle distance in km between two (lon, lat) points in degrees.
pub fn haversine_km(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_meridian() {
        // Equator to pole is a quarter of the circumference: π/2 · R.
        let d = haversine_km(0.0, 0.0, 0.0, 90.0);
        assert!((d - std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_KM).abs() < 1e-9);
    }

    #[test]
    fn bamako_to_gao() {
        // Bamako (12.6392 N, 8.0029 W) to Gao (16.2666 N, 0.0400 W): about 949 km.
        let d = haversine_km(-8.0029, 12.6392, -0.0400, 16.2666);
        assert!((d - 949.0).abs() < 3.0, "{d}");
    }

    #[test]
    fn antimeridian_is_short() {
        let d = haversine_km(179.5, 0.0, -179.5, 0.0);
        assert!((d - 111.195).abs() < 0.01, "{d}");
    }
}
