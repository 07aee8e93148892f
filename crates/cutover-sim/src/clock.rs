//! The virtual clock. Time is a value the simulation owns: in `Manual` mode it moves only when
//! [`Clock::advance`] is called; in `Real` mode it follows the wall clock, scaled by a factor.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A point in virtual time: milliseconds since the Unix epoch.
///
/// Milliseconds (not floating seconds) keep ordering and arithmetic exact, so a manual-clock run
/// is bit-for-bit repeatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct VTime(pub i64);

impl VTime {
    pub const fn from_millis(ms: i64) -> Self {
        VTime(ms)
    }

    pub fn from_secs_f64(secs: f64) -> Self {
        VTime((secs * 1000.0).round() as i64)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Epoch seconds with millisecond precision, as AWS JSON protocols send timestamps.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    pub const fn plus_millis(self, ms: i64) -> Self {
        VTime(self.0.saturating_add(ms))
    }

    pub const fn plus_secs(self, secs: i64) -> Self {
        VTime(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

impl fmt::Display for VTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:03}",
            self.0.div_euclid(1000),
            self.0.rem_euclid(1000)
        )
    }
}

/// How the clock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Follows the wall clock, `scale` virtual seconds per real second.
    Real,
    /// Moves only on [`Clock::advance`].
    Manual,
}

impl ClockMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockMode::Real => "real",
            ClockMode::Manual => "manual",
        }
    }
}

/// The virtual clock.
///
/// Invariant: `now()` never goes backwards, whatever mode switches and advances happen. In real
/// mode virtual time is `base + (real_elapsed_since_anchor × scale)`; every mode or scale change
/// re-anchors at the current virtual instant.
#[derive(Debug, Clone)]
pub struct Clock {
    mode: ClockMode,
    scale: f64,
    /// Virtual time at `anchor`.
    base: VTime,
    /// Real instant at which `base` was taken.
    anchor: Instant,
}

impl Clock {
    /// A clock that starts at the current wall-clock time.
    pub fn new(mode: ClockMode, scale: f64) -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Self::starting_at(VTime(wall.as_millis() as i64), mode, scale)
    }

    /// A clock that starts at a given virtual instant (used by tests).
    pub fn starting_at(start: VTime, mode: ClockMode, scale: f64) -> Self {
        Clock {
            mode,
            scale: sanitize_scale(scale),
            base: start,
            anchor: Instant::now(),
        }
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The current virtual time.
    pub fn now(&self) -> VTime {
        self.now_at(Instant::now())
    }

    fn now_at(&self, real: Instant) -> VTime {
        match self.mode {
            ClockMode::Manual => self.base,
            ClockMode::Real => {
                let elapsed = real.saturating_duration_since(self.anchor).as_secs_f64();
                self.base
                    .plus_millis((elapsed * self.scale * 1000.0) as i64)
            }
        }
    }

    /// Switches mode and/or scale, keeping the current virtual instant.
    pub fn set_mode(&mut self, mode: ClockMode, scale: Option<f64>) {
        let real = Instant::now();
        self.base = self.now_at(real);
        self.anchor = real;
        self.mode = mode;
        if let Some(s) = scale {
            self.scale = sanitize_scale(s);
        }
    }

    /// Moves virtual time forward to `to` (no-op when `to` is not in the future). Allowed in
    /// every mode: in real mode the clock keeps running from the new instant.
    pub fn jump_to(&mut self, to: VTime) {
        let real = Instant::now();
        let now = self.now_at(real);
        if to > now {
            self.base = to;
            self.anchor = real;
        }
    }

    /// Moves virtual time forward by `d`.
    pub fn advance(&mut self, d: Duration) {
        let target = self.now().plus_millis(d.as_millis() as i64);
        self.jump_to(target);
    }

    /// The real duration until virtual instant `at`, or `None` when the clock is manual (it will
    /// never get there on its own). Zero when `at` is already due.
    pub fn real_until(&self, at: VTime) -> Option<Duration> {
        match self.mode {
            ClockMode::Manual => None,
            ClockMode::Real => {
                let delta_ms = at.0 - self.now().0;
                if delta_ms <= 0 {
                    Some(Duration::ZERO)
                } else {
                    Some(Duration::from_secs_f64(
                        delta_ms as f64 / 1000.0 / self.scale,
                    ))
                }
            }
        }
    }
}

fn sanitize_scale(s: f64) -> f64 {
    if s.is_finite() && s > 0.0 {
        s
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_on_advance() {
        let mut c = Clock::starting_at(VTime(1_000_000), ClockMode::Manual, 1.0);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now(), VTime(1_000_000));
        c.advance(Duration::from_secs(90));
        assert_eq!(c.now(), VTime(1_090_000));
        assert_eq!(c.real_until(VTime(2_000_000)), None);
    }

    #[test]
    fn jump_never_goes_backwards() {
        let mut c = Clock::starting_at(VTime(5_000), ClockMode::Manual, 1.0);
        c.jump_to(VTime(4_000));
        assert_eq!(c.now(), VTime(5_000));
        c.jump_to(VTime(7_500));
        assert_eq!(c.now(), VTime(7_500));
    }

    #[test]
    fn scaled_real_time_runs_faster() {
        let c = Clock::starting_at(VTime(0), ClockMode::Real, 1000.0);
        let t0 = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        let real_ms = t0.elapsed().as_millis() as i64;
        let v = c.now().millis();
        // 1000x: at least 20 virtual seconds have passed, and no more than the real time allows.
        assert!(v >= 20_000, "virtual {v} ms after 20 real ms");
        assert!(
            v <= (real_ms + 5) * 1000,
            "virtual {v} ms after {real_ms} real ms"
        );
        let until = c.real_until(c.now().plus_secs(10)).unwrap();
        assert!(until <= Duration::from_millis(11), "{until:?}");
    }

    #[test]
    fn mode_switch_keeps_the_current_instant() {
        let mut c = Clock::starting_at(VTime(0), ClockMode::Real, 100.0);
        std::thread::sleep(Duration::from_millis(10));
        c.set_mode(ClockMode::Manual, None);
        let frozen = c.now();
        assert!(frozen.millis() >= 1_000);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now(), frozen);
        c.set_mode(ClockMode::Real, Some(2.0));
        assert!(c.now() >= frozen);
        assert_eq!(c.scale(), 2.0);
    }

    #[test]
    fn bad_scale_falls_back_to_one() {
        let c = Clock::starting_at(VTime(0), ClockMode::Real, -3.0);
        assert_eq!(c.scale(), 1.0);
        let c = Clock::starting_at(VTime(0), ClockMode::Real, f64::NAN);
        assert_eq!(c.scale(), 1.0);
    }

    #[test]
    fn display_is_epoch_seconds_with_millis() {
        assert_eq!(VTime(1_700_000_000_123).to_string(), "1700000000.123");
        assert_eq!(VTime(1_700_000_000_123).as_secs_f64(), 1_700_000_000.123);
    }
}
