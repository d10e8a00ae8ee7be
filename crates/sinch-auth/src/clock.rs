//! Time sources. Expiry is measured on the monotonic clock; wall time is used only for JWT
//! `exp`, `expires_at` and webhook timestamps. `ManualClock` lets tests move time by hand.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Where the token provider reads time and sleeps: [`SystemClock`] in production, [`ManualClock`]
/// in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Wall-clock time: JWT `exp`, `expires_at`, webhook timestamps.
    fn wall(&self) -> SystemTime;
    /// Monotonic time: refresh and expiry deadlines.
    fn monotonic(&self) -> Instant;
    /// Waits `d` (a manual clock just advances).
    fn sleep(&self, d: Duration);
}

#[derive(Debug, Default, Clone, Copy)]
/// The operating system's clocks and `std::thread::sleep`.
pub struct SystemClock;

impl Clock for SystemClock {
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
    fn monotonic(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d)
    }
}

/// A clock that only moves when told to (or when something sleeps on it).
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    wall: SystemTime,
    mono_base: Instant,
    elapsed: Duration,
    slept: Vec<Duration>,
}

impl ManualClock {
    /// A clock that starts at `wall` and stands still until [`ManualClock::advance`] or a sleep.
    pub fn new(wall: SystemTime) -> Self {
        ManualClock {
            inner: Arc::new(Mutex::new(ManualState {
                wall,
                mono_base: Instant::now(),
                elapsed: Duration::ZERO,
                slept: Vec::new(),
            })),
        }
    }

    /// Moves wall and monotonic time forward together by `d`.
    pub fn advance(&self, d: Duration) {
        let mut s = self.lock();
        s.elapsed += d;
        s.wall += d;
    }

    /// Moves only the wall clock (forward or back), as a suspended machine or VM sees it on
    /// waking (the monotonic clock stopped) or as a clock set back does.
    pub fn set_wall(&self, wall: SystemTime) {
        self.lock().wall = wall;
    }

    /// Moves only the monotonic clock forward: the wall clock was set back meanwhile.
    pub fn advance_monotonic(&self, d: Duration) {
        self.lock().elapsed += d;
    }

    /// Every duration passed to `sleep`, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().slept.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn wall(&self) -> SystemTime {
        self.lock().wall
    }
    fn monotonic(&self) -> Instant {
        let s = self.lock();
        s.mono_base + s.elapsed
    }
    fn sleep(&self, d: Duration) {
        let mut s = self.lock();
        s.slept.push(d);
        s.elapsed += d;
        s.wall += d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(100));
        let m0 = c.monotonic();
        assert_eq!(c.monotonic(), m0);
        c.advance(Duration::from_secs(5));
        c.sleep(Duration::from_secs(1));
        assert_eq!(c.monotonic() - m0, Duration::from_secs(6));
        assert_eq!(c.wall(), SystemTime::UNIX_EPOCH + Duration::from_secs(106));
        assert_eq!(c.sleeps(), vec![Duration::from_secs(1)]);
    }
}
