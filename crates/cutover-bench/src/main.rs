//! `cutover-bench`: benchmark the cutover emulator (optionally side by side with moto's server).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use cutover_bench::checks::{run_checks, ChecksPlan};
use cutover_bench::procs;
use cutover_bench::report::table;
use cutover_bench::suite::{run_full, Options, Plan, Reporter};

#[derive(Parser)]
#[command(
    name = "cutover-bench",
    version,
    about = "Benchmarks for cutover (issue 7)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Compare {
    Moto,
}

#[derive(Subcommand)]
enum Command {
    /// Run every measurement; JSON lines on stdout, then a table.
    Run {
        /// A smoke run: a few hundred requests per part, small scale sizes.
        #[arg(long)]
        quick: bool,
        /// Also start moto's server (pip-installing `moto[server]` if missing) and compare.
        #[arg(long, value_enum)]
        compare: Option<Compare>,
        /// Also write the JSON lines to this file.
        #[arg(long)]
        json_out: Option<PathBuf>,
        /// The cutover binary to spawn.
        #[arg(long, default_value = "target/release/cutover")]
        cutover_bin: PathBuf,
        /// RUST_LOG for the spawned cutover (default: its own default, `info`).
        #[arg(long)]
        rust_log: Option<String>,
    },
    /// The per-issue performance checks (target health, target groups, task definitions,
    /// services, memory per target and for 10,000 running tasks, round trip, start-up), each on
    /// a fresh `cutover` process.
    Checks {
        /// Tiny sizes (a smoke run).
        #[arg(long)]
        quick: bool,
        #[arg(long)]
        json_out: Option<PathBuf>,
        #[arg(long, default_value = "target/release/cutover")]
        cutover_bin: PathBuf,
        #[arg(long)]
        rust_log: Option<String>,
    },
    /// Issue 5's scale check: N services, one linear deployment each, all created before the
    /// clock advances; every deployment's lifecycle events checked.
    DeployScale {
        #[arg(long, default_value_t = 1000)]
        services: usize,
        /// Spread the services over this many ECS clusters (default: all in one).
        #[arg(long, default_value_t = 1)]
        clusters: usize,
        #[arg(long)]
        json_out: Option<PathBuf>,
        #[arg(long, default_value = "target/release/cutover")]
        cutover_bin: PathBuf,
        #[arg(long)]
        rust_log: Option<String>,
    },
}

async fn deploy_scale(
    bin: &std::path::Path,
    rust_log: Option<&str>,
    services: usize,
    clusters: usize,
    rep: &mut Reporter,
) -> Result<(), cutover_bench::client::BoxError> {
    let server = procs::spawn_cutover(bin, rust_log).await?;
    eprintln!("[cutover-bench] deploy-scale: {services} services");
    let r = cutover_bench::deploy::scale_check(server.addr, services, clusters).await;
    let rss = server.rss_kib();
    server.stop().await;
    let mut line = r?;
    line["rss_after_kib"] = serde_json::json!(rss);
    let failed = line["status"] != "ok";
    rep.push(line);
    if failed {
        return Err("some deployment missed or reordered a step (see the line)".into());
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
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
    let mut rep = Reporter {
        echo: true,
        ..Reporter::default()
    };
    let (result, json_out) = match Cli::parse().command {
        Command::Run {
            quick,
            compare,
            json_out,
            cutover_bin,
            rust_log,
        } => {
            let plan = if quick { Plan::quick() } else { Plan::full() };
            let opts = Options {
                cutover_bin,
                compare_moto: compare == Some(Compare::Moto),
                rust_log,
            };
            (rt.block_on(run_full(&opts, &plan, &mut rep)), json_out)
        }
        Command::Checks {
            quick,
            json_out,
            cutover_bin,
            rust_log,
        } => {
            let plan = if quick {
                ChecksPlan::quick()
            } else {
                ChecksPlan::full()
            };
            (
                rt.block_on(run_checks(
                    &cutover_bin,
                    rust_log.as_deref(),
                    &plan,
                    &mut rep,
                )),
                json_out,
            )
        }
        Command::DeployScale {
            services,
            clusters,
            json_out,
            cutover_bin,
            rust_log,
        } => (
            rt.block_on(deploy_scale(
                &cutover_bin,
                rust_log.as_deref(),
                services,
                clusters,
                &mut rep,
            )),
            json_out,
        ),
    };
    println!();
    print!("{}", table(&rep.lines));
    if let Some(path) = json_out {
        let text: String = rep.lines.iter().map(|l| format!("{l}\n")).collect();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: {}: {e}", path.display());
            return std::process::ExitCode::FAILURE;
        }
    }
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
