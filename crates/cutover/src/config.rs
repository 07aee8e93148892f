//! Server configuration, shared by the command line and tests.

use std::net::SocketAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockArg {
    Real,
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub region: String,
    pub account_id: String,
    pub clock: ClockArg,
    pub time_scale: f64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Fault injection for tests: this operation panics inside its handler.
    pub panic_on_operation: Option<String>,
    /// Lambda function name → HTTP endpoint for lifecycle hooks (`--hook NAME=URL`).
    pub hooks: Vec<(String, String)>,
    /// A hook whose function has no endpoint succeeds (logged) instead of failing.
    pub unmapped_hooks_succeed: bool,
    /// How long a lifecycle hook may take to report (virtual minutes; AWS: 60).
    pub hook_timeout_minutes: i64,
    /// A bootstrap file applied before the server starts (`--bootstrap`).
    pub bootstrap: Option<std::path::PathBuf>,
}

/// Default request body limit: 2 MiB (ECS task definitions and AppSpecs are far smaller).
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 4566)),
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            clock: ClockArg::Real,
            time_scale: 1.0,
            max_body_bytes: DEFAULT_MAX_BODY,
            panic_on_operation: None,
            hooks: Vec::new(),
            unmapped_hooks_succeed: false,
            hook_timeout_minutes: 60,
            bootstrap: None,
        }
    }
}

impl Config {
    /// A configuration for tests: port 0 on loopback, manual clock.
    pub fn for_tests() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            clock: ClockArg::Manual,
            ..Config::default()
        }
    }
}
