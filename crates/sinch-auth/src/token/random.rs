//! Uniform numbers in [0, 1) for jitter. Not for secrets. Injectable so tests can pin it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of numbers in `[0, 1)`, used for jitter; tests pass a fixed one.
pub type Random = Arc<dyn Fn() -> f64 + Send + Sync>;

static STATE: AtomicU64 = AtomicU64::new(0);

/// splitmix64 over a process-wide counter seeded from the clock.
pub(super) fn uniform() -> f64 {
    if STATE.load(Ordering::Relaxed) == 0 {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            ^ (std::process::id() as u64).rotate_left(32);
        let _ = STATE.compare_exchange(0, seed | 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

pub(super) fn default_random() -> Random {
    Arc::new(uniform)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uniform_is_in_range_and_varies() {
        let xs: Vec<f64> = (0..1000).map(|_| super::uniform()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
    }
}
