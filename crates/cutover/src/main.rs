//! `cutover`: the command line. `cutover serve` starts the emulator; `cutover watch`, `clock`,
//! `continue` and `stop` are clients of a running one.

use std::io::Write;
use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use cutover::{ClockArg, Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "cutover",
    version,
    about = "A local, AWS-compatible emulator of the ECS + CodeDeploy + ELBv2 blue/green deployment flow"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the emulator: ECS, CodeDeploy and ELBv2 on one port.
    Serve(ServeArgs),
    /// Watch a deployment live (the latest when no id is given); exits 0 when it succeeds,
    /// 1 when it fails or is stopped (after following its rollback).
    Watch(WatchArgs),
    /// Show the virtual clock, or advance it, scale it, or switch it to manual/real.
    Clock(ClockArgs),
    /// ContinueDeployment: start rerouting traffic after the ready wait (or, with
    /// --termination-wait, terminate the original task set now).
    Continue(ContinueArgs),
    /// StopDeployment (optionally rolling back).
    Stop(StopArgs),
    /// Check that a server answers (exit 0) — the Docker HEALTHCHECK.
    Health(EndpointArgs),
}

#[derive(clap::Args)]
struct EndpointArgs {
    /// The emulator's address.
    #[arg(long, global = true, env = "CUTOVER_ENDPOINT", default_value = cutover::cli::client::DEFAULT_ENDPOINT)]
    endpoint: String,
}

#[derive(clap::Args)]
struct WatchArgs {
    /// Deployment id (default: the latest deployment).
    deployment_id: Option<String>,
    #[command(flatten)]
    endpoint: EndpointArgs,
    /// Poll interval in real time: 500ms, 2s, or milliseconds.
    #[arg(long, default_value = "500ms", value_parser = parse_interval)]
    interval: std::time::Duration,
}

#[derive(clap::Args)]
struct ClockArgs {
    #[command(subcommand)]
    action: Option<ClockAction>,
    #[command(flatten)]
    endpoint: EndpointArgs,
}

#[derive(Subcommand)]
enum ClockAction {
    /// Move virtual time forward: 90s, 5m, 1h, 1h30m or plain seconds.
    Advance {
        #[arg(value_parser = cutover::cli::verbs::parse_duration)]
        duration: f64,
    },
    /// Real mode with N virtual seconds per real second.
    Scale {
        #[arg(value_parser = parse_scale)]
        scale: f64,
    },
    /// Manual mode: time moves only with `cutover clock advance`.
    Manual,
    /// Real mode at the current scale.
    Real,
}

#[derive(clap::Args)]
struct ContinueArgs {
    /// Deployment id (default: the latest deployment).
    deployment_id: Option<String>,
    /// Skip the termination wait instead of the ready wait.
    #[arg(long)]
    termination_wait: bool,
    #[command(flatten)]
    endpoint: EndpointArgs,
}

#[derive(clap::Args)]
struct StopArgs {
    /// Deployment id (default: the latest deployment).
    deployment_id: Option<String>,
    /// Roll back to the original task set.
    #[arg(long)]
    rollback: bool,
    #[command(flatten)]
    endpoint: EndpointArgs,
}

fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let secs = match t.parse::<f64>() {
        Ok(ms) => ms / 1000.0,
        Err(_) => cutover::cli::verbs::parse_duration(t)?,
    };
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(format!("{s:?}: the interval must be between 1ms and 1h"));
    }
    Ok(std::time::Duration::from_secs_f64(secs.max(0.001)))
}

fn parse_scale(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(n),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "CUTOVER_LISTEN", default_value = "127.0.0.1:4566")]
    listen: SocketAddr,
    /// Region used when a request carries no SigV4 credential scope.
    #[arg(long, env = "CUTOVER_REGION", default_value = "us-east-1")]
    region: String,
    /// Account used unless the access key id is exactly 12 digits.
    #[arg(long, env = "CUTOVER_ACCOUNT_ID", default_value = "123456789012")]
    account_id: String,
    /// `real`: virtual time follows the wall clock (times --time-scale); `manual`: it moves only
    /// through POST /_cutover/clock/advance.
    #[arg(long, value_enum, env = "CUTOVER_CLOCK", default_value = "real")]
    clock: ClockArg,
    /// Virtual seconds per real second in real mode.
    #[arg(long, env = "CUTOVER_TIME_SCALE", default_value_t = 1.0)]
    time_scale: f64,
    /// Log format on stderr; the level comes from RUST_LOG (default info).
    #[arg(long, value_enum, env = "CUTOVER_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// Largest accepted request body in bytes.
    #[arg(long, default_value_t = cutover::config::DEFAULT_MAX_BODY)]
    max_body_bytes: usize,
    /// Map a Lambda function name to the HTTP endpoint that implements the hook
    /// (repeatable): --hook CheckTraffic=http://127.0.0.1:9000/check
    #[arg(long = "hook", value_name = "NAME=URL", value_parser = parse_hook)]
    hooks: Vec<(String, String)>,
    /// What a hook whose function has no endpoint does: fail the lifecycle event (AWS: the
    /// Lambda function does not exist) or succeed it, logged.
    #[arg(long, value_enum, default_value = "fail")]
    unmapped_hooks: UnmappedHooks,
    /// Create resources at start-up from a YAML or JSON file (see the README's bootstrap
    /// section; fixtures/walkthrough.yaml is the classic story).
    #[arg(long, env = "CUTOVER_BOOTSTRAP", value_name = "FILE")]
    bootstrap: Option<std::path::PathBuf>,
    /// How long a lifecycle hook may take to report, in virtual minutes.
    #[arg(long, default_value_t = 60)]
    hook_timeout_minutes: i64,
    /// Test hook: make this operation's handler panic (to check the server survives).
    #[arg(long, hide = true)]
    panic_on_operation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum UnmappedHooks {
    Fail,
    Succeed,
}

fn parse_hook(s: &str) -> Result<(String, String), String> {
    let (name, url) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=URL, got {s:?}"))?;
    if name.is_empty() || !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("expected NAME=http://HOST:PORT/PATH, got {s:?}"));
    }
    Ok((name.to_owned(), url.to_owned()))
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}

fn client(e: &EndpointArgs) -> cutover::cli::client::Client {
    cutover::cli::client::Client::new(&e.endpoint, cutover::cli::client::Credentials::from_env())
}

fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            None
        }
    }
}

/// Runs a verb that answers one line.
fn verb<F>(f: F) -> std::process::ExitCode
where
    F: std::future::Future<Output = Result<String, cutover::cli::client::ClientError>>,
{
    let Some(rt) = runtime() else {
        return std::process::ExitCode::FAILURE;
    };
    match rt.block_on(f) {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Terminal width from `COLUMNS` (no terminal query without a dependency), default 80.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|w: &usize| *w >= 20)
        .unwrap_or(80)
}

fn watch(args: WatchArgs) -> std::process::ExitCode {
    use cutover::cli::watch;
    let Some(rt) = runtime() else {
        return std::process::ExitCode::FAILURE;
    };
    let c = client(&args.endpoint);
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let opts = watch::Options {
        interval: args.interval,
        tty,
        width: terminal_width(),
    };
    let result = rt.block_on(async move {
        let id = match args.deployment_id {
            Some(id) => id,
            None => c.latest_deployment().await?,
        };
        if tty {
            // Clear the screen once; each frame then redraws from the top.
            print!("\x1b[2J");
        }
        let mut out = std::io::stdout();
        watch::run(c, id, opts, &mut out).await
    });
    match result {
        Ok(0) => std::process::ExitCode::SUCCESS,
        Ok(code) => std::process::ExitCode::from(code.clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn main() -> std::process::ExitCode {
    use cutover::cli::verbs;
    let cli = Cli::parse();
    match cli.command {
        Command::Watch(args) => watch(args),
        Command::Clock(args) => {
            let c = client(&args.endpoint);
            verb(async move {
                match args.action {
                    None => verbs::clock_show(&c).await,
                    Some(ClockAction::Advance { duration }) => {
                        verbs::clock_advance(&c, duration).await
                    }
                    Some(ClockAction::Scale { scale }) => verbs::clock_scale(&c, scale).await,
                    Some(ClockAction::Manual) => verbs::clock_mode(&c, "manual").await,
                    Some(ClockAction::Real) => verbs::clock_mode(&c, "real").await,
                }
            })
        }
        Command::Continue(args) => {
            let c = client(&args.endpoint);
            verb(async move {
                verbs::continue_deployment(&c, args.deployment_id, args.termination_wait).await
            })
        }
        Command::Stop(args) => {
            let c = client(&args.endpoint);
            verb(async move { verbs::stop(&c, args.deployment_id, args.rollback).await })
        }
        Command::Health(endpoint) => {
            let c = client(&endpoint);
            verb(async move { verbs::health(&c).await })
        }
        Command::Serve(args) => {
            if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
                eprintln!("error: --time-scale must be a positive number");
                return std::process::ExitCode::from(2);
            }
            init_logging(args.log_format);
            let config = Config {
                listen: args.listen,
                region: args.region,
                account_id: args.account_id,
                clock: args.clock,
                time_scale: args.time_scale,
                max_body_bytes: args.max_body_bytes,
                panic_on_operation: args.panic_on_operation,
                hooks: args.hooks,
                unmapped_hooks_succeed: args.unmapped_hooks == UnmappedHooks::Succeed,
                hook_timeout_minutes: args.hook_timeout_minutes.max(1),
                bootstrap: args.bootstrap,
            };
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("error: cannot start the runtime: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
            let result: std::io::Result<()> = rt.block_on(async move {
                // The bootstrap runs before binding: a broken file means no server at all.
                let listen = config.listen;
                let state = cutover::AppState::new(config);
                match state.bootstrap() {
                    Ok(Some(summary)) => tracing::info!(
                        resources = summary.resources,
                        hooks = summary.hooks.len(),
                        settle_seconds = summary.settle_seconds,
                        "bootstrap applied"
                    ),
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("error: {e}");
                        std::process::exit(2);
                    }
                }
                let listener = tokio::net::TcpListener::bind(listen).await?;
                let addr = listener.local_addr()?;
                {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "cutover listening on http://{addr}")?;
                    out.flush()?;
                }
                cutover::run(listener, state, shutdown_signal()).await
            });
            match result {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
    }
}
