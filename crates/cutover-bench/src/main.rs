//! `cutover-bench`: benchmark the cutover emulator (optionally side by side with moto's server).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
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
}

fn main() -> std::process::ExitCode {
    let Command::Run {
        quick,
        compare,
        json_out,
        cutover_bin,
        rust_log,
    } = Cli::parse().command;
    let plan = if quick { Plan::quick() } else { Plan::full() };
    let opts = Options {
        cutover_bin,
        compare_moto: compare == Some(Compare::Moto),
        rust_log,
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
    let mut rep = Reporter {
        echo: true,
        ..Reporter::default()
    };
    let result = rt.block_on(run_full(&opts, &plan, &mut rep));
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
