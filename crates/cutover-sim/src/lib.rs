//! Virtual time and the discrete-event queue of the simulation.
//!
//! This crate owns *when* things happen, never *what* happens: it knows nothing of AWS, HTTP or
//! tokio. Only this crate and the server's driver task read a real clock.
//!
//! - [`clock`]: the virtual clock (real, scaled real, manual).
//! - [`queue`]: an ordered queue of timed events; ties fire in insertion order; keyed events can
//!   be cancelled or replaced.

pub mod clock;
pub mod queue;

pub use clock::{Clock, ClockMode, VTime};
pub use queue::EventQueue;
