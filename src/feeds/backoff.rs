//! Reconnect delays: exponential backoff with full jitter.

use std::time::Duration;

use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The ceiling for attempt `n` (1-based): min(cap, base * 2^(n-1)).
    pub(crate) fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// A uniformly random delay in `0..=ceiling(attempt)` ("full jitter").
    pub(crate) fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(attempt).as_millis() as u64;
        Duration::from_millis(rng.random_range(0..=ceiling))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    #[test]
    fn ceiling_doubles_up_to_the_cap() {
        let b = Backoff { base: Duration::from_millis(250), cap: Duration::from_secs(30) };
        assert_eq!(b.ceiling(1), Duration::from_millis(250));
        assert_eq!(b.ceiling(3), Duration::from_millis(1000));
        assert_eq!(b.ceiling(40), Duration::from_secs(30));
    }

    #[test]
    fn jittered_delays_stay_under_the_ceiling() {
        let b = Backoff { base: Duration::from_millis(250), cap: Duration::from_secs(30) };
        let mut rng = SmallRng::seed_from_u64(7);
        let delays: Vec<_> = (0..200).map(|_| b.delay(4, &mut rng)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(2)));
        assert!(delays.iter().any(|d| *d < Duration::from_millis(500)));
        assert!(delays.iter().any(|d| *d > Duration::from_millis(1500)));
    }
}
