//! The random streams of a run: every input draws from its own stream, seeded from the run's
//! seed and the input's name ([`stream_seed`]), and read in chunks of [`STREAM_CHUNK`] draws
//! whose generators ([`chunk_rng`]) are independent of the thread that fills them, so a run's
//! draws do not depend on the number of threads.

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;

/// The seed of a variable's stream.
pub fn stream_seed(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix64(seed ^ h)
}

/// Draws per chunk of a chunked stream ([`chunk_rng`]).
pub const STREAM_CHUNK: usize = 65_536;

/// The generator of chunk `chunk` (draws `chunk·STREAM_CHUNK …`) of the stream `stream` (a
/// [`stream_seed`]): Xoshiro256++ seeded with four words, each SplitMix64 of the stream seed
/// mixed with SplitMix64 of (chunk, word index), so chunks and streams get unrelated states.
pub fn chunk_rng(stream: u64, chunk: usize) -> Xoshiro256PlusPlus {
    let mut seed = [0u8; 32];
    for (i, word) in seed.chunks_exact_mut(8).enumerate() {
        let tag = ((chunk as u64) << 2) | i as u64;
        word.copy_from_slice(&splitmix64(stream ^ splitmix64(tag)).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(seed)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
