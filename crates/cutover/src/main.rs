//! `cutover`: the command line. `cutover serve` starts the emulator.

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

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
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
